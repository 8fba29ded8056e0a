/**
 * The per-connection protocol state machine, as Core's net_processing drives it: version →
 * verack with the feature negotiation between them (BIP339 wtxidrelay, BIP155 sendaddrv2,
 * BIP330 sendtxrcncl), ping/pong, the handshake/ping/inactivity timeouts, and Core's verdicts.
 * Pure: time comes in as `now` (ms), randomness through `nonce()`, and everything it wants done
 * goes out as `PeerOutput`s.
 */
import { MAX_MONEY } from '@keel/bitcoin/primitives';
import type { P2PError } from '../errors.ts';
import type { NetAddress, P2PMessage, VersionPayload } from '../messages/types.ts';
import {
  BIP0031_VERSION,
  MIN_PEER_PROTO_VERSION,
  PROTOCOL_VERSION,
  SHORT_IDS_BLOCKS_VERSION,
  WTXID_RELAY_VERSION,
} from '../params.ts';
import type { TransportEvent } from '../v1.ts';
import { defaultPeerTimeouts, type PeerInfo, type PeerOutput, type PeerTimeouts } from './types.ts';

export interface PeerOptions {
  inbound: boolean;
  /** When the connection opened (ms). */
  now: number;
  /** Our services (version message). */
  services: bigint;
  userAgent: string;
  /** Our best height, read when our version is sent. */
  startHeight: number | (() => number);
  /** BIP37 fRelay we announce (false for blocks-only connections). */
  relay: boolean;
  /** Where the peer is, as we see it (addr_recv of our version). */
  remoteAddress?: NetAddress;
  /** A uniformly random 64-bit value (the version nonce and ping nonces). */
  nonce: () => bigint;
  /** True for the nonce of a version we sent on another connection (Core: "connected to self"). */
  isOwnNonce?: (nonce: bigint) => boolean;
  /** Outbound: services the peer must offer (Core's HasAllDesirableServiceFlags). */
  requiredServices?: bigint;
  /** Announce BIP339 wtxid relay (default true, as Core). */
  wtxidRelay?: boolean;
  /** Ask for sendcmpct(false, 2) after verack when the peer can speak BIP152 (default true). */
  compactBlocks?: boolean;
  /** BIP330: our sendtxrcncl (version, salt), sent before verack when given. */
  txReconciliation?: { version: number; salt: bigint };
  /** Our protocol version (default PROTOCOL_VERSION). */
  protocolVersion?: number;
  timeouts?: Partial<PeerTimeouts>;
}

const NO_ADDRESS: NetAddress = { services: 0n, ip: new Uint8Array(16), port: 0 };

export class Peer {
  private readonly opts: PeerOptions;
  private readonly timeouts: PeerTimeouts;
  private readonly connectedAt: number;
  private lastRecv: number;
  private info: PeerInfo | null = null;
  private established = false;
  private closed = false;
  private ourNonce: bigint | null = null;
  private ping: { nonce: bigint; sentAt: number } | null = null;
  private lastPingAt: number | null = null;

  constructor(opts: PeerOptions) {
    this.opts = opts;
    this.timeouts = { ...defaultPeerTimeouts, ...opts.timeouts };
    this.connectedAt = opts.now;
    this.lastRecv = opts.now;
  }

  /** The negotiated state once the peer's version arrived (null before). */
  get peerInfo(): Readonly<PeerInfo> | null {
    return this.info;
  }

  get isEstablished(): boolean {
    return this.established;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The nonce of the version we sent (for other connections' `isOwnNonce`). */
  get versionNonce(): bigint | null {
    return this.ourNonce;
  }

  /** Call once the connection is up: an outbound peer speaks first. */
  start(): PeerOutput[] {
    return this.opts.inbound ? [] : [this.sendVersion()];
  }

  /** Feeds one transport event (from V1Decoder or the v2 transport). */
  receiveEvent(ev: TransportEvent, now: number): PeerOutput[] {
    if (ev.kind === 'message') return this.receive(ev.message, now);
    if (this.closed) return [];
    this.lastRecv = now;
    if (ev.kind === 'unknown') return [ignored(ev.command, 'unknown message type')];
    return this.receiveError(ev.error);
  }

  /** A transport or decode error: its verdict, applied. */
  receiveError(err: P2PError): PeerOutput[] {
    if (this.closed) return [];
    const command = typeof err.meta.command === 'string' ? err.meta.command : 'message';
    if (err.verdict === 'ignore') return [ignored(command, err.message)];
    return [this.verdict(err.verdict, err.message)];
  }

  /** Marks the peer as misbehaving (e.g. an invalid block): Core discourages it. */
  misbehaving(reason: string): PeerOutput[] {
    return this.closed ? [] : [this.verdict('discourage', reason)];
  }

  receive(msg: P2PMessage, now: number): PeerOutput[] {
    if (this.closed) return [];
    this.lastRecv = now;
    if (msg.command === 'version') return this.onVersion(msg.payload);
    const info = this.info;
    if (!info) return [ignored(msg.command, 'non-version message before version handshake')];
    if (msg.command === 'sendtxrcncl') return this.onSendTxRcncl(msg.payload, info);
    if (!this.established) return this.beforeVerack(msg, info);
    switch (msg.command) {
      case 'verack':
        return [ignored('verack', 'ignoring redundant verack message')];
      case 'wtxidrelay':
      case 'sendaddrv2':
        return [this.verdict('disconnect', `${msg.command} received after verack`)];
      case 'ping':
        return info.commonVersion > BIP0031_VERSION
          ? [{ kind: 'send', message: { command: 'pong', payload: msg.payload } }]
          : [];
      case 'pong':
        return this.onPong(msg.payload, now);
      case 'sendheaders':
        info.sendHeaders = true;
        return [];
      case 'sendcmpct':
        // Core only takes CMPCTBLOCKS_VERSION (2); other versions are ignored.
        if (msg.payload.version !== 2n) return [ignored('sendcmpct', 'unsupported version')];
        info.compact = { ...msg.payload };
        return [{ kind: 'message', message: msg }];
      case 'feefilter':
        if (msg.payload < 0n || msg.payload > MAX_MONEY) {
          return [ignored('feefilter', 'fee rate out of money range')];
        }
        info.feeFilter = msg.payload;
        return [];
      default:
        return [{ kind: 'message', message: msg }];
    }
  }

  /** Drives the timers: call it every second or so. */
  tick(now: number): PeerOutput[] {
    if (this.closed) return [];
    const t = this.timeouts;
    if (!this.established) {
      if (now - this.connectedAt > t.handshakeMs) {
        return [this.verdict('disconnect', 'version handshake timeout')];
      }
      return [];
    }
    if (now - this.lastRecv > t.inactivityMs) {
      return [
        this.verdict('disconnect', `socket receive timeout: ${(now - this.lastRecv) / 1000}s`),
      ];
    }
    if (this.ping && now - this.ping.sentAt > t.pingTimeoutMs) {
      return [this.verdict('disconnect', `ping timeout: ${(now - this.ping.sentAt) / 1000}s`)];
    }
    if (!this.ping && (this.lastPingAt === null || now - this.lastPingAt >= t.pingIntervalMs)) {
      const nonce = this.nonzeroNonce();
      this.ping = { nonce, sentAt: now };
      this.lastPingAt = now;
      return [{ kind: 'send', message: { command: 'ping', payload: nonce } }];
    }
    return [];
  }

  private onVersion(v: VersionPayload): PeerOutput[] {
    if (this.info) return [ignored('version', 'redundant version message')];
    const o = this.opts;
    if (v.version < MIN_PEER_PROTO_VERSION) {
      return [this.verdict('disconnect', `using obsolete version ${v.version}`)];
    }
    if (
      !o.inbound &&
      o.requiredServices &&
      (v.services & o.requiredServices) !== o.requiredServices
    ) {
      return [
        this.verdict(
          'disconnect',
          `does not offer the expected services (${v.services.toString(16)} offered, ${o.requiredServices.toString(16)} expected)`,
        ),
      ];
    }
    if (o.inbound && o.isOwnNonce?.(v.nonce)) {
      return [this.verdict('disconnect', 'connected to self')];
    }
    const commonVersion = Math.min(v.version, o.protocolVersion ?? PROTOCOL_VERSION);
    this.info = {
      inbound: o.inbound,
      version: v.version,
      commonVersion,
      services: v.services,
      userAgent: v.userAgent,
      startHeight: v.startHeight,
      relay: v.relay,
      wtxidRelay: false,
      addrV2: false,
      txReconciliation: null,
      sendHeaders: false,
      compact: null,
      feeFilter: 0n,
    };
    const out: PeerOutput[] = [];
    if (o.inbound) out.push(this.sendVersion());
    if (commonVersion >= WTXID_RELAY_VERSION && o.wtxidRelay !== false) {
      out.push(send({ command: 'wtxidrelay', payload: null }));
    }
    // BIP155 is for every version, but Core only sends it from 70016 (older software chokes).
    if (commonVersion >= 70016) out.push(send({ command: 'sendaddrv2', payload: null }));
    if (o.txReconciliation && commonVersion >= WTXID_RELAY_VERSION) {
      out.push(send({ command: 'sendtxrcncl', payload: { ...o.txReconciliation } }));
    }
    out.push(send({ command: 'verack', payload: null }));
    return out;
  }

  /** Between version and verack only the feature negotiation messages count (BIP339/155/330). */
  private beforeVerack(msg: P2PMessage, info: PeerInfo): PeerOutput[] {
    switch (msg.command) {
      case 'verack': {
        this.established = true;
        const out: PeerOutput[] = [];
        if (info.commonVersion >= SHORT_IDS_BLOCKS_VERSION && this.opts.compactBlocks !== false) {
          out.push(send({ command: 'sendcmpct', payload: { announce: false, version: 2n } }));
        }
        out.push({ kind: 'handshake', info });
        return out;
      }
      case 'wtxidrelay':
        if (info.commonVersion >= WTXID_RELAY_VERSION) info.wtxidRelay = true;
        return [];
      case 'sendaddrv2':
        info.addrV2 = true;
        return [];
      default:
        return [ignored(msg.command, 'unsupported message prior to verack')];
    }
  }

  /** BIP330 as Core's net_processing checks it (only when we reconcile ourselves). */
  private onSendTxRcncl(p: { version: number; salt: bigint }, info: PeerInfo): PeerOutput[] {
    if (!this.opts.txReconciliation) {
      return [ignored('sendtxrcncl', 'our node does not have txreconciliation enabled')];
    }
    if (this.established) return [this.verdict('disconnect', 'sendtxrcncl received after verack')];
    if (!this.opts.relay) {
      return [this.verdict('disconnect', 'sendtxrcncl received to which we indicated no tx relay')];
    }
    if (!info.relay) {
      return [this.verdict('disconnect', 'sendtxrcncl received which indicated no tx relay to us')];
    }
    // BIP330: version 1 is the lowest; a peer announcing 0 violates the protocol.
    if (p.version < 1) {
      return [this.verdict('disconnect', 'txreconciliation protocol violation')];
    }
    info.txReconciliation = { ...p };
    return [];
  }

  private onPong(nonce: bigint, now: number): PeerOutput[] {
    const ping = this.ping;
    if (!ping) return [ignored('pong', 'unsolicited pong without ping')];
    if (nonce === ping.nonce) {
      this.ping = null;
      return [{ kind: 'pong', rttMs: now - ping.sentAt }];
    }
    // Core: a zero nonce cancels the ping; any other mismatch is only logged.
    if (nonce === 0n) {
      this.ping = null;
      return [ignored('pong', 'nonce zero')];
    }
    return [ignored('pong', 'nonce mismatch')];
  }

  private sendVersion(): PeerOutput {
    const o = this.opts;
    this.ourNonce = this.opts.nonce();
    const payload: VersionPayload = {
      version: o.protocolVersion ?? PROTOCOL_VERSION,
      services: o.services,
      timestamp: BigInt(Math.floor(this.lastRecv / 1000)),
      addrRecv: o.remoteAddress ?? NO_ADDRESS,
      addrFrom: { ...NO_ADDRESS, services: o.services },
      nonce: this.ourNonce,
      userAgent: o.userAgent,
      startHeight: typeof o.startHeight === 'function' ? o.startHeight() : o.startHeight,
      relay: o.relay,
    };
    return send({ command: 'version', payload });
  }

  private nonzeroNonce(): bigint {
    for (let i = 0; i < 8; i++) {
      const n = this.opts.nonce();
      if (n !== 0n) return n;
    }
    return 1n;
  }

  private verdict(action: 'disconnect' | 'discourage', reason: string): PeerOutput {
    this.closed = true;
    return { kind: 'verdict', action, reason };
  }
}

function send(message: P2PMessage): PeerOutput {
  return { kind: 'send', message };
}

function ignored(command: string, reason: string): PeerOutput {
  return { kind: 'ignored', command, reason };
}
