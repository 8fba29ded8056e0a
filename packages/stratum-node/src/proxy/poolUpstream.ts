/**
 * A proxy's (or Job Declarator Client's) one connection to the pool: an SV2 extended channel
 * (optionally with REQUIRES_WORK_SELECTION for custom jobs), whose jobs are re-served as
 * templates (`TemplateProvider`) to a local keel `Pool` that the downstream devices connect to.
 * The local pool's extranonce prefixes start with this channel's prefix, so a local job is
 * byte-for-byte the upstream job and a local share is an upstream share once the prefix is
 * taken off again (05 §5.2: channel aggregation, extranonce space split per device).
 * Backup upstreams are tried in order when the connection drops.
 */
import { EventEmitter } from 'node:events';
import {
  MAX_TARGET,
  MiningSetupFlags,
  type NewTemplate,
  nbitsToTarget,
  type SetNewPrevHash,
  type SubmitResult,
  type Sv2Message,
  type Sv2Payload,
  Sv2Protocol,
  splitOutputs,
  type TemplateListener,
  type TemplateProvider,
  targetToU256,
  u256ToTarget,
} from '@keel/stratum';
import { BufferReader, type Logger, nullLogger, type Startable } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { connectNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';
import type { UpstreamAddress } from './upstream.ts';

export interface PoolUpstreamOptions {
  readonly upstreams: readonly UpstreamAddress[];
  readonly authorityPublicKey: Uint8Array;
  readonly user?: string;
  /** Ask for REQUIRES_WORK_SELECTION (a JDC sending SetCustomMiningJob). */
  readonly workSelection?: boolean;
  /** Smallest extranonce the downstream side needs to split (default 4). */
  readonly minExtranonceSize?: number;
  readonly logger?: Logger;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly connectTimeoutMs?: number;
}

/** A share forwarded upstream, answered per forwarder tag (per-downstream accounting). */
export interface ForwardedShare {
  readonly jobId: number;
  readonly nonce: number;
  readonly ntime: number;
  readonly version: number;
  /** extranonce_prefix ‖ extranonce as the device hashed it (starts with our prefix). */
  readonly fullExtranonce: Uint8Array;
  /** Who sent it (a local worker's identity). */
  readonly from: string;
}

/** The scriptSig start and the outputs of an extended job's coinbase (keel/SRI layout). */
export function templateFromExtendedJob(
  j: Sv2Payload<'NewExtendedMiningJob'>,
  extranonceLength: number,
): NewTemplate {
  const p = new BufferReader(j.coinbaseTxPrefix);
  const coinbaseTxVersion = p.u32le();
  if (p.compactSize(1, 'coinbase input count') !== 1) {
    throw new StratumNodeError(StratumNodeErrorCode.PROTOCOL, 'coinbase must have one input');
  }
  p.bytes(36);
  const scriptLen = p.compactSize(100, 'coinbase scriptSig length');
  const coinbasePrefix = p.bytes(p.remaining);
  if (coinbasePrefix.length + extranonceLength !== scriptLen) {
    throw new StratumNodeError(
      StratumNodeErrorCode.PROTOCOL,
      `extranonce is not at the end of the coinbase scriptSig (${coinbasePrefix.length} + ${extranonceLength} ≠ ${scriptLen})`,
    );
  }
  const s = new BufferReader(j.coinbaseTxSuffix);
  const sequence = s.u32le();
  const n = s.compactSize(10_000, 'coinbase output count');
  const rest = s.bytes(s.remaining - 4);
  const locktime = s.u32le();
  return {
    templateId: BigInt(j.jobId),
    futureTemplate: j.minNtime === undefined,
    version: j.version,
    coinbaseTxVersion,
    coinbasePrefix,
    coinbaseTxInputSequence: sequence,
    coinbaseTxValueRemaining: 0n,
    coinbaseTxOutputs: splitOutputs(rest, n),
    coinbaseTxLocktime: locktime,
    merklePath: j.merklePath,
  };
}

export class PoolUpstream extends EventEmitter implements Startable, TemplateProvider {
  private readonly o: PoolUpstreamOptions;
  private readonly log: Logger;
  private conn: Sv2Connection | undefined;
  private stopped = false;
  private which = 0;
  private backoff: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly templateListeners = new Set<TemplateListener>();
  private readonly jobs = new Map<number, NewTemplate>();
  private prev: SetNewPrevHash | undefined;
  private seq = 0;
  private readonly pending = new Map<number, string>();
  private readonly customWaits = new Map<
    number,
    { resolve: (jobId: number) => void; reject: (e: Error) => void }
  >();
  private nextRequest = 1;
  /** Target of each upstream job, fixed when it became active (05 §5.3.21). */
  private readonly jobTargets = new Map<number, bigint>();
  channelId = 0;
  prefix: Uint8Array = new Uint8Array(0);
  extranonceSize = 0;
  target = MAX_TARGET;
  readonly perDownstream = new Map<string, { accepted: number; rejected: number }>();
  forwarded = 0;
  accepted = 0;
  rejected: Record<string, number> = {};
  switches = 0;

  constructor(o: PoolUpstreamOptions) {
    super();
    if (o.upstreams.length === 0) {
      throw new StratumNodeError(StratumNodeErrorCode.CONFIG, 'at least one upstream is needed');
    }
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.backoff = o.minBackoffMs ?? 500;
  }

  get upstream(): UpstreamAddress {
    return this.o.upstreams[this.which]!;
  }

  get ready(): boolean {
    return this.channelId !== 0;
  }

  /** Resolves once the first upstream channel is open (rejects if that first try fails). */
  async start(): Promise<void> {
    this.connect();
    await new Promise<void>((resolve, reject) => {
      const ok = () => {
        this.off('down', bad);
        resolve();
      };
      const bad = (reason: string) => {
        this.off('ready', ok);
        reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
      };
      this.once('ready', ok);
      this.once('down', bad);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.conn?.close('stopping');
  }

  // TemplateProvider: the upstream's jobs as templates for the local pool.
  subscribe(l: TemplateListener): () => void {
    this.templateListeners.add(l);
    const prev = this.prev;
    const t = prev ? this.jobs.get(Number(prev.templateId)) : undefined;
    if (prev && t) {
      l.onNewTemplate({ ...t, futureTemplate: true });
      l.onSetNewPrevHash(prev);
    }
    return () => {
      this.templateListeners.delete(l);
    };
  }

  /** Blocks reach the network through the upstream pool (the share is forwarded to it). */
  async submitSolution(): Promise<SubmitResult> {
    return { accepted: false, reason: 'forwarded-upstream' };
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
          conn.close('stopping');
          return;
        }
        this.conn = conn;
        conn.attach({
          onMessage: (m) => this.onMessage(m),
          onClose: (reason) => this.onDown(reason),
        });
        conn.send({
          type: 'SetupConnection',
          payload: {
            protocol: Sv2Protocol.MINING,
            minVersion: 2,
            maxVersion: 2,
            flags:
              MiningSetupFlags.REQUIRES_VERSION_ROLLING |
              (this.o.workSelection ? MiningSetupFlags.REQUIRES_WORK_SELECTION : 0),
            endpointHost: up.host,
            endpointPort: up.port,
            vendor: 'keel',
            hardwareVersion: this.o.workSelection ? 'jd-client' : 'proxy',
            firmware: '0.1.0',
            deviceId: `${process.pid}`,
          },
        });
      },
      (e) => this.onDown(describe(e)),
    );
  }

  private onDown(reason: string): void {
    const wasOpen = this.channelId !== 0;
    this.conn = undefined;
    this.channelId = 0;
    this.jobs.clear();
    this.prev = undefined;
    this.pending.clear();
    for (const w of this.customWaits.values())
      w.reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, `upstream lost: ${reason}`));
    this.customWaits.clear();
    this.emit('down', reason);
    if (this.stopped) return;
    this.which = (this.which + 1) % this.o.upstreams.length;
    if (wasOpen) this.switches++;
    const delay = this.backoff;
    this.backoff = Math.min(
      Math.max(this.backoff * 2, this.o.minBackoffMs ?? 500),
      this.o.maxBackoffMs ?? 30_000,
    );
    this.log.warn({ reason, next: this.upstream, retryInMs: delay }, 'upstream lost');
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(m: Sv2Message): void {
    switch (m.type) {
      case 'SetupConnectionSuccess':
        this.conn?.send({
          type: 'OpenExtendedMiningChannel',
          payload: {
            requestId: 1,
            userIdentity: this.o.user ?? 'keel-proxy',
            nominalHashRate: 0,
            maxTarget: targetToU256(MAX_TARGET),
            minExtranonceSize: this.o.minExtranonceSize ?? 4,
          },
        });
        return;
      case 'SetupConnectionError':
      case 'OpenMiningChannelError':
        this.conn?.close(`upstream refused: ${m.payload.errorCode}`);
        return;
      case 'OpenExtendedMiningChannelSuccess': {
        const before = this.prefix;
        this.channelId = m.payload.channelId;
        this.prefix = m.payload.extranoncePrefix;
        this.extranonceSize = m.payload.extranonceSize;
        this.target = u256ToTarget(m.payload.target);
        this.backoff = this.o.minBackoffMs ?? 500;
        this.log.info({ upstream: this.upstream, channelId: this.channelId }, 'upstream open');
        if (before.length > 0) this.emit('prefix', this.prefix);
        this.emit('ready');
        return;
      }
      case 'NewExtendedMiningJob':
        this.onJob(m.payload);
        return;
      case 'SetNewPrevHash': {
        if (m.payload.channelId !== this.channelId) return;
        const p: SetNewPrevHash = {
          templateId: BigInt(m.payload.jobId),
          prevHash: m.payload.prevHash,
          headerTimestamp: m.payload.minNtime,
          nBits: m.payload.nbits,
          target: targetToU256(nbitsToTarget(m.payload.nbits)),
        };
        this.prev = p;
        this.activate(m.payload.jobId);
        for (const l of this.templateListeners) l.onSetNewPrevHash(p);
        return;
      }
      case 'SetTarget':
        this.target = u256ToTarget(m.payload.maximumTarget);
        return;
      case 'SetExtranoncePrefix':
        this.prefix = m.payload.extranoncePrefix;
        this.emit('prefix', this.prefix);
        return;
      case 'SubmitSharesSuccess':
      case 'SubmitSharesError':
        this.answer(m);
        return;
      case 'SetCustomMiningJobSuccess':
      case 'SetCustomMiningJobError': {
        const w = this.customWaits.get(m.payload.requestId);
        this.customWaits.delete(m.payload.requestId);
        if (m.type === 'SetCustomMiningJobSuccess') {
          this.activate(m.payload.jobId);
          w?.resolve(m.payload.jobId);
        } else
          w?.reject(
            new StratumNodeError(StratumNodeErrorCode.PROTOCOL, m.payload.errorCode, {
              errorCode: m.payload.errorCode,
            }),
          );
        return;
      }
      case 'Reconnect':
        this.conn?.close('upstream sent Reconnect');
        return;
      default:
        this.log.debug({ type: m.type }, 'upstream message ignored');
    }
  }

  private activate(jobId: number): void {
    this.jobTargets.set(jobId, this.target);
    while (this.jobTargets.size > 64) this.jobTargets.delete(this.jobTargets.keys().next().value!);
  }

  private onJob(j: Sv2Payload<'NewExtendedMiningJob'>): void {
    if (j.channelId !== this.channelId) return;
    let t: NewTemplate;
    try {
      t = templateFromExtendedJob(j, this.prefix.length + this.extranonceSize);
    } catch (e) {
      this.log.warn({ err: describe(e), jobId: j.jobId }, 'upstream job not re-servable');
      return;
    }
    this.jobs.set(j.jobId, t);
    while (this.jobs.size > 32) this.jobs.delete(this.jobs.keys().next().value!);
    if (j.minNtime !== undefined) this.activate(j.jobId);
    for (const l of this.templateListeners) l.onNewTemplate(t);
  }

  /** The target a share for upstream job `jobId` must meet to be worth forwarding. */
  targetFor(jobId: number): bigint {
    return this.jobTargets.get(jobId) ?? this.target;
  }

  /** Forwards a share (its full extranonce starts with our prefix). */
  submit(s: ForwardedShare): boolean {
    if (this.conn === undefined || this.channelId === 0) return false;
    const seq = this.seq++ >>> 0;
    this.pending.set(seq, s.from);
    if (this.pending.size > 100_000) this.pending.delete(this.pending.keys().next().value!);
    this.forwarded++;
    this.conn.send({
      type: 'SubmitSharesExtended',
      payload: {
        channelId: this.channelId,
        sequenceNumber: seq,
        jobId: s.jobId,
        nonce: s.nonce,
        ntime: s.ntime,
        version: s.version,
        extranonce: s.fullExtranonce.subarray(this.prefix.length),
      },
    });
    return true;
  }

  /** SetCustomMiningJob on our channel; resolves to the pool's job id. */
  setCustomMiningJob(
    p: Omit<Sv2Payload<'SetCustomMiningJob'>, 'channelId' | 'requestId'>,
  ): Promise<number> {
    const conn = this.conn;
    if (conn === undefined || this.channelId === 0) {
      return Promise.reject(
        new StratumNodeError(StratumNodeErrorCode.CONNECTION, 'upstream not connected'),
      );
    }
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.customWaits.set(requestId, { resolve, reject });
      conn.send({
        type: 'SetCustomMiningJob',
        payload: { ...p, channelId: this.channelId, requestId },
      });
    });
  }

  private answer(
    m: Extract<Sv2Message, { type: 'SubmitSharesSuccess' | 'SubmitSharesError' }>,
  ): void {
    const seq =
      m.type === 'SubmitSharesSuccess' ? m.payload.lastSequenceNumber : m.payload.sequenceNumber;
    const from = this.pending.get(seq);
    if (from === undefined) return;
    this.pending.delete(seq);
    let d = this.perDownstream.get(from);
    if (d === undefined) {
      d = { accepted: 0, rejected: 0 };
      this.perDownstream.set(from, d);
    }
    if (m.type === 'SubmitSharesSuccess') {
      this.accepted++;
      d.accepted++;
    } else {
      this.rejected[m.payload.errorCode] = (this.rejected[m.payload.errorCode] ?? 0) + 1;
      d.rejected++;
    }
    this.emit('answer', m);
  }
}
