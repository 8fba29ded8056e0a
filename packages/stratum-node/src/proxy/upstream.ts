/**
 * One upstream SV2 extended channel split into many local channels (sv2-spec 05 §5.2.2, the
 * proxy's "channel aggregation"): the upstream hands us extranonce_prefix P and `size` bytes to
 * roll; local channel n gets prefix P ‖ n (`localPrefixBytes` bytes, big-endian) and rolls the
 * rest. Jobs, prev hashes and targets from upstream go to every local channel under its own
 * channel id; shares go up with the local bytes put back in front of the extranonce, and the
 * answer comes back to the channel that sent it. Accounting is per local channel. When the
 * upstream drops, the next configured upstream is tried (backoff) and every local channel is
 * closed: its extranonce space belonged to the old channel.
 */
import { EventEmitter } from 'node:events';
import {
  MAX_TARGET,
  MiningSetupFlags,
  type Sv2Message,
  type Sv2Payload,
  Sv2Protocol,
  targetToU256,
  u256ToTarget,
} from '@keel/stratum';
import { concatBytes, type Logger, nullLogger, type Startable } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { connectNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';

export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

export interface UpstreamChannelOptions {
  /** Primary upstream first, then backups tried in order after a failure. */
  readonly upstreams: readonly UpstreamAddress[];
  readonly authorityPublicKey: Uint8Array;
  readonly user?: string;
  /** Extranonce bytes used to number local channels (default 4: 2^32 channels). */
  readonly localPrefixBytes?: number;
  /** Bytes each local channel must still be able to roll (default 4). */
  readonly minLocalExtranonce?: number;
  readonly logger?: Logger;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly connectTimeoutMs?: number;
}

/** What a local channel hears from upstream (channel ids already rewritten to its own). */
export interface LocalChannelListener {
  onMessage(m: Sv2Message): void;
  /** The upstream channel is gone: this local channel is dead. */
  onClose(reason: string): void;
}

export interface LocalChannel {
  readonly id: number;
  readonly extranoncePrefix: Uint8Array;
  readonly extranonceSize: number;
  readonly target: bigint;
  identity: string;
  accepted: number;
  rejected: Record<string, number>;
}

interface Local extends LocalChannel {
  target: bigint;
  readonly listener: LocalChannelListener;
  readonly tag: Uint8Array;
}

interface Pending {
  readonly local: Local;
  readonly localSeq: number;
}

const MAX_PENDING = 100_000;

export class UpstreamChannel extends EventEmitter implements Startable {
  private readonly o: UpstreamChannelOptions;
  private readonly log: Logger;
  private conn: Sv2Connection | undefined;
  private stopped = false;
  private which = 0;
  private backoff: number;
  private timer: NodeJS.Timeout | undefined;
  private channelId = 0;
  private prefix: Uint8Array = new Uint8Array(0);
  private size = 0;
  private target = MAX_TARGET;
  private readonly jobs = new Map<number, Sv2Payload<'NewExtendedMiningJob'>>();
  private prev: Sv2Payload<'SetNewPrevHash'> | undefined;
  private readonly locals = new Map<number, Local>();
  private nextLocal = 1;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  readonly localPrefixBytes: number;
  /** Shares forwarded / answered, for stats. */
  sharesForwarded = 0;
  sharesAccepted = 0;
  sharesRejected: Record<string, number> = {};
  upstreamSwitches = 0;

  constructor(o: UpstreamChannelOptions) {
    super();
    if (o.upstreams.length === 0) {
      throw new StratumNodeError(StratumNodeErrorCode.CONFIG, 'at least one upstream is needed');
    }
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.localPrefixBytes = o.localPrefixBytes ?? 4;
    this.backoff = o.minBackoffMs ?? 500;
  }

  /** True once the upstream channel is open (local channels can be opened). */
  get ready(): boolean {
    return this.channelId !== 0 && this.conn !== undefined;
  }

  get upstream(): UpstreamAddress {
    return this.o.upstreams[this.which]!;
  }

  get localChannels(): readonly LocalChannel[] {
    return [...this.locals.values()];
  }

  async start(): Promise<void> {
    this.connect();
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        this.off('failed', onFail);
        resolve();
      };
      const onFail = (reason: string) => {
        this.off('ready', onReady);
        reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
      };
      this.once('ready', onReady);
      this.once('failed', onFail);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.conn?.close('proxy stopping');
    this.dropLocals('proxy stopping');
  }

  private connect(): void {
    if (this.stopped) return;
    const up = this.upstream;
    connectNoise({
      host: up.host,
      port: up.port,
      authorityPublicKey: this.o.authorityPublicKey,
      limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
      timeoutMs: this.o.connectTimeoutMs ?? 10_000,
    }).then(
      (conn) => {
        if (this.stopped) {
          conn.close('proxy stopping');
          return;
        }
        this.conn = conn;
        conn.attach({
          onMessage: (m) => this.onMessage(m),
          onClose: (reason) => this.onDisconnect(reason),
        });
        conn.send({
          type: 'SetupConnection',
          payload: {
            protocol: Sv2Protocol.MINING,
            minVersion: 2,
            maxVersion: 2,
            flags: MiningSetupFlags.REQUIRES_VERSION_ROLLING,
            endpointHost: up.host,
            endpointPort: up.port,
            vendor: 'keel',
            hardwareVersion: 'proxy',
            firmware: '0.1.0',
            deviceId: `${process.pid}`,
          },
        });
      },
      (e) => this.onDisconnect(describe(e)),
    );
  }

  private onDisconnect(reason: string): void {
    const wasOpen = this.channelId !== 0;
    this.conn = undefined;
    this.channelId = 0;
    this.jobs.clear();
    this.prev = undefined;
    this.pending.clear();
    this.dropLocals(`upstream lost: ${reason}`);
    if (this.stopped) return;
    this.emit('failed', reason);
    // Next upstream in the list (the primary again after the last backup).
    this.which = (this.which + 1) % this.o.upstreams.length;
    if (wasOpen) this.upstreamSwitches++;
    const delay = this.backoff;
    this.backoff = Math.min(
      Math.max(this.backoff * 2, this.o.minBackoffMs ?? 500),
      this.o.maxBackoffMs ?? 30_000,
    );
    this.log.warn({ reason, next: this.upstream, retryInMs: delay }, 'upstream lost');
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private dropLocals(reason: string): void {
    const all = [...this.locals.values()];
    this.locals.clear();
    for (const l of all) l.listener.onClose(reason);
  }

  private onMessage(m: Sv2Message): void {
    switch (m.type) {
      case 'SetupConnectionSuccess':
        this.conn?.send({
          type: 'OpenExtendedMiningChannel',
          payload: {
            requestId: 1,
            userIdentity: this.o.user ?? 'keel-proxy',
            nominalHashRate: 0, // 05 §5.3.1: a proxy with no devices yet sends 0
            maxTarget: targetToU256(MAX_TARGET),
            minExtranonceSize: this.localPrefixBytes + (this.o.minLocalExtranonce ?? 4),
          },
        });
        return;
      case 'SetupConnectionError':
      case 'OpenMiningChannelError':
        this.conn?.close(`upstream refused: ${m.payload.errorCode}`);
        return;
      case 'OpenExtendedMiningChannelSuccess':
        this.channelId = m.payload.channelId;
        this.prefix = m.payload.extranoncePrefix;
        this.size = m.payload.extranonceSize;
        this.target = u256ToTarget(m.payload.target);
        this.backoff = this.o.minBackoffMs ?? 500;
        this.log.info(
          { upstream: this.upstream, channelId: this.channelId },
          'upstream channel open',
        );
        this.emit('ready');
        return;
      case 'NewExtendedMiningJob':
        this.jobs.set(m.payload.jobId, m.payload);
        while (this.jobs.size > 32) this.jobs.delete(this.jobs.keys().next().value!);
        for (const l of this.locals.values())
          l.listener.onMessage({ type: m.type, payload: { ...m.payload, channelId: l.id } });
        return;
      case 'SetNewPrevHash':
        this.prev = m.payload;
        for (const l of this.locals.values())
          l.listener.onMessage({ type: m.type, payload: { ...m.payload, channelId: l.id } });
        return;
      case 'SetTarget':
        this.target = u256ToTarget(m.payload.maximumTarget);
        for (const l of this.locals.values()) {
          l.target = this.target;
          l.listener.onMessage({ type: m.type, payload: { ...m.payload, channelId: l.id } });
        }
        return;
      case 'SubmitSharesSuccess':
      case 'SubmitSharesError':
        this.answer(m);
        return;
      case 'Reconnect':
        this.conn?.close('upstream sent Reconnect');
        return;
      default:
        this.log.debug({ type: m.type }, 'upstream message ignored');
    }
  }

  /** Opens a local channel; it gets the current job and prev hash at once. */
  open(identity: string, listener: LocalChannelListener): LocalChannel {
    if (!this.ready) {
      throw new StratumNodeError(StratumNodeErrorCode.CONNECTION, 'upstream channel not open');
    }
    const id = this.nextLocal++;
    const tag = new Uint8Array(this.localPrefixBytes);
    let n = id;
    for (let i = tag.length - 1; i >= 0; i--) {
      tag[i] = n & 0xff;
      n = Math.floor(n / 256);
    }
    const l: Local = {
      id,
      extranoncePrefix: concatBytes(this.prefix, tag),
      extranonceSize: this.size - this.localPrefixBytes,
      target: this.target,
      identity,
      accepted: 0,
      rejected: {},
      listener,
      tag,
    };
    this.locals.set(id, l);
    return l;
  }

  /** The current job (as a future job) and prev hash for a freshly opened local channel. */
  replay(ch: LocalChannel): void {
    const l = this.locals.get(ch.id);
    const prev = this.prev;
    if (l === undefined || prev === undefined) return;
    const job = this.jobs.get(prev.jobId);
    if (job !== undefined)
      l.listener.onMessage({
        type: 'NewExtendedMiningJob',
        payload: { ...job, channelId: l.id, minNtime: undefined },
      });
    for (const j of this.jobs.values()) {
      if (j.jobId !== prev.jobId && j.minNtime !== undefined)
        l.listener.onMessage({ type: 'NewExtendedMiningJob', payload: { ...j, channelId: l.id } });
    }
    l.listener.onMessage({ type: 'SetNewPrevHash', payload: { ...prev, channelId: l.id } });
  }

  close(ch: LocalChannel): void {
    this.locals.delete(ch.id);
  }

  /** A share on a local channel: forwarded with the channel's bytes put back in front. */
  submit(ch: LocalChannel, s: Sv2Payload<'SubmitSharesExtended'>): void {
    const l = this.locals.get(ch.id);
    if (l === undefined || this.conn === undefined) {
      l?.listener.onMessage({
        type: 'SubmitSharesError',
        payload: {
          channelId: ch.id,
          sequenceNumber: s.sequenceNumber,
          errorCode: 'invalid-channel-id',
        },
      });
      return;
    }
    const seq = this.seq++ >>> 0;
    this.pending.set(seq, { local: l, localSeq: s.sequenceNumber });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
    this.sharesForwarded++;
    this.conn.send({
      type: 'SubmitSharesExtended',
      payload: {
        ...s,
        channelId: this.channelId,
        sequenceNumber: seq,
        extranonce: concatBytes(l.tag, s.extranonce),
      },
    });
  }

  private answer(
    m: Extract<Sv2Message, { type: 'SubmitSharesSuccess' | 'SubmitSharesError' }>,
  ): void {
    const seq =
      m.type === 'SubmitSharesSuccess' ? m.payload.lastSequenceNumber : m.payload.sequenceNumber;
    const p = this.pending.get(seq);
    if (p === undefined) return;
    this.pending.delete(seq);
    const l = p.local;
    if (m.type === 'SubmitSharesSuccess') {
      this.sharesAccepted++;
      l.accepted++;
      l.listener.onMessage({
        type: 'SubmitSharesSuccess',
        payload: {
          channelId: l.id,
          lastSequenceNumber: p.localSeq,
          newSubmitsAcceptedCount: 1,
          newSharesSum: m.payload.newSharesSum,
        },
      });
    } else {
      const code = m.payload.errorCode;
      this.sharesRejected[code] = (this.sharesRejected[code] ?? 0) + 1;
      l.rejected[code] = (l.rejected[code] ?? 0) + 1;
      l.listener.onMessage({
        type: 'SubmitSharesError',
        payload: { channelId: l.id, sequenceNumber: p.localSeq, errorCode: code },
      });
    }
  }
}
