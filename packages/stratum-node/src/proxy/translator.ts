/**
 * The SV1→SV2 translator's backend (`keel stratum translator`): every SV1 miner (through
 * `Sv1Server`) gets a local channel of one upstream SV2 extended channel. mining.subscribe's
 * extranonce1 is the upstream prefix plus the miner's local bytes, extranonce2 is what is left;
 * mining.notify comes from the upstream NewExtendedMiningJob / SetNewPrevHash, set_difficulty
 * from its SetTarget, and each mining.submit goes up as SubmitSharesExtended on the one channel.
 */
import { type Sv2Message, targetToU256 } from '@keel/stratum';
import type { Downstream } from '../pool/session.ts';
import type { Sv1Backend, Sv1BackendSession, Sv1Channel } from '../sv1/server.ts';
import type { LocalChannel, UpstreamChannel } from './upstream.ts';

class SplitSession implements Sv1BackendSession {
  readonly channels = new Map<number, LocalChannel>();

  constructor(
    private readonly up: UpstreamChannel,
    private readonly d: Downstream,
  ) {}

  handle(m: Sv2Message): void {
    switch (m.type) {
      case 'SetupConnection':
        this.d.send({ type: 'SetupConnectionSuccess', payload: { usedVersion: 2, flags: 0 } });
        return;
      case 'OpenExtendedMiningChannel': {
        if (!this.up.ready) {
          this.d.send({
            type: 'OpenMiningChannelError',
            payload: { requestId: m.payload.requestId, errorCode: 'upstream-not-ready' },
          });
          return;
        }
        const ch = this.up.open(m.payload.userIdentity, {
          onMessage: (x) => this.d.send(x),
          onClose: (reason) => this.d.close(reason),
        });
        this.channels.set(ch.id, ch);
        this.d.send({
          type: 'OpenExtendedMiningChannelSuccess',
          payload: {
            requestId: m.payload.requestId,
            channelId: ch.id,
            target: targetToU256(ch.target),
            extranonceSize: ch.extranonceSize,
            extranoncePrefix: ch.extranoncePrefix,
            groupChannelId: 0,
          },
        });
        this.up.replay(ch);
        return;
      }
      case 'SubmitSharesExtended': {
        const ch = this.channels.get(m.payload.channelId);
        if (ch === undefined) {
          this.d.send({
            type: 'SubmitSharesError',
            payload: {
              channelId: m.payload.channelId,
              sequenceNumber: m.payload.sequenceNumber,
              errorCode: 'invalid-channel-id',
            },
          });
          return;
        }
        this.up.submit(ch, m.payload);
        return;
      }
      default:
        return;
    }
  }

  closeAll(): void {
    for (const ch of this.channels.values()) this.up.close(ch);
    this.channels.clear();
  }
}

/** `Sv1Backend` over one upstream extended channel (the translator). */
export class SplitChannelBackend implements Sv1Backend {
  constructor(readonly upstream: UpstreamChannel) {}

  attach(d: Downstream): Sv1BackendSession {
    return new SplitSession(this.upstream, d);
  }

  detach(s: Sv1BackendSession): void {
    (s as SplitSession).closeAll();
  }

  renameChannel(ch: Sv1Channel, identity: string): void {
    const l = this.upstream.localChannels.find((c) => c.id === ch.id);
    if (l) l.identity = identity;
  }
}
