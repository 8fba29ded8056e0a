/**
 * `keel stratum miner`: a Noise initiator with the pinned authority key, one standard or
 * extended channel, a CPU sha256d loop on worker threads (each thread its own nonce range;
 * version bits rolled per BIP323 (0x1fffffe0) when the job allows, extranonce rolled on extended
 * channels), following SetTarget (for jobs activated after it, 05 §5.3.21) / new jobs /
 * SetNewPrevHash / SetExtranoncePrefix / SetGroupChannel, Reconnect to the host it names, and
 * reconnecting with exponential backoff.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { accelerateEllswift } from '@keel/crypto';
import {
  BIP323_VERSION_MASK,
  encodeHeader,
  jobMerkleRoot,
  MAX_TARGET,
  type MiningJob,
  MiningSetupFlags,
  miningJobFromExtended,
  type Sv2Message,
  Sv2Protocol,
  targetToU256,
  u256ToTarget,
} from '@keel/stratum';
import { concatBytes, type Logger, nullLogger, type Startable } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { connectNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';

export interface MinerOptions {
  readonly host: string;
  readonly port: number;
  readonly authorityPublicKey: Uint8Array;
  readonly threads?: number;
  readonly user?: string;
  readonly channel?: 'standard' | 'extended';
  /** Ask for per-channel NewMiningJob instead of group/extended jobs (standard channels). */
  readonly requireStandardJobs?: boolean;
  readonly logger?: Logger;
  /** Backoff bounds in ms. Defaults 500 and 30 000. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly connectTimeoutMs?: number;
  /** h/s announced in OpenChannel (the pool may set the first target from it). Default 0 (unknown). */
  readonly nominalHashRate?: number;
}

interface LiveJob {
  readonly jobId: number;
  readonly version: number;
  readonly rolling: boolean;
  /** The extranonce_prefix in force when the job arrived (SetExtranoncePrefix applies to later jobs). */
  readonly prefix: Uint8Array;
  /** Fixed when the job becomes active: later SetTargets do not change it (05 §5.3.21). */
  target?: bigint;
  /** Standard channel: the fixed merkle root. */
  readonly merkleRoot?: Uint8Array;
  /** Extended channel (or a group job): the job to compute roots with. */
  readonly extended?: MiningJob;
}

interface Work {
  readonly id: number;
  readonly job: LiveJob;
  readonly version: number;
  readonly ntime: number;
  readonly extranonce: Uint8Array | undefined;
}

export interface MinerStats {
  connected: boolean;
  sharesSubmitted: number;
  sharesAccepted: number;
  sharesRejected: Record<string, number>;
  hashes: number;
  reconnects: number;
}

const WORKER_URL = new URL('./hashWorker.mjs', import.meta.url);
const NONCE_SPACE = 2 ** 32;

export class Miner extends EventEmitter implements Startable {
  readonly stats: MinerStats = {
    connected: false,
    sharesSubmitted: 0,
    sharesAccepted: 0,
    sharesRejected: {},
    hashes: 0,
    reconnects: 0,
  };
  private readonly o: MinerOptions;
  private readonly log: Logger;
  private readonly threads: number;
  private readonly workers: Worker[] = [];
  private conn: Sv2Connection | undefined;
  private stopped = false;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  // channel state
  private channelId = 0;
  /** Group channel ids our channel belongs to (OpenStandardMiningChannel.Success, SetGroupChannel). */
  private groupId = 0;
  private host: string;
  private port: number;

  private target = 0n;
  private prefix: Uint8Array = new Uint8Array(0);
  private extranonceSize = 0;
  private readonly jobs = new Map<number, LiveJob>();
  private prev: { prevHash: Uint8Array; minNtime: number; nbits: number } | undefined;
  private current: LiveJob | undefined;
  private works = new Map<number, Work>();
  private nextWorkId = 1;
  private roll = 0;
  private seq = 0;

  constructor(o: MinerOptions) {
    super();
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.threads = Math.max(1, o.threads ?? 1);
    this.backoff = o.minBackoffMs ?? 500;
    this.host = o.host;
    this.port = o.port;
  }

  /** The pool address in use (Reconnect may have moved it). */
  get upstream(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  async start(): Promise<void> {
    // Noise handshakes: ElligatorSwift ECDH through libsecp256k1 (WASM) where it loads (~3× faster)
    await accelerateEllswift();
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(WORKER_URL);
      w.on('message', (m) => this.onWorkerMessage(i, m));
      w.on('error', (e) => this.log.error({ err: e.message }, 'hash worker failed'));
      w.unref();
      this.workers.push(w);
    }
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.conn?.close('miner stopping');
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private connect(): void {
    if (this.stopped) return;
    connectNoise({
      host: this.host,
      port: this.port,
      authorityPublicKey: this.o.authorityPublicKey,
      limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
      timeoutMs: this.o.connectTimeoutMs ?? 10_000,
    }).then(
      (conn) => {
        if (this.stopped) {
          conn.close('miner stopping');
          return;
        }
        this.conn = conn;
        conn.attach({
          onMessage: (m) => this.onMessage(m),
          onClose: (reason) => this.onDisconnect(reason),
        });
        this.setup();
      },
      (e) => this.onDisconnect(describe(e)),
    );
  }

  private onDisconnect(reason: string): void {
    this.stats.connected = false;
    this.conn = undefined;
    this.stopWork();
    this.jobs.clear();
    this.prev = undefined;
    this.current = undefined;
    if (this.stopped) return;
    this.stats.reconnects++;
    const delay = this.backoff;
    this.backoff = Math.min(
      Math.max(this.backoff * 2, this.o.minBackoffMs ?? 500),
      this.o.maxBackoffMs ?? 30_000,
    );
    this.log.warn({ reason, retryInMs: delay }, 'disconnected from pool');
    this.emit('disconnected', reason);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private setup(): void {
    const standardJobs = this.o.channel !== 'extended' && this.o.requireStandardJobs === true;
    this.conn?.send({
      type: 'SetupConnection',
      payload: {
        protocol: Sv2Protocol.MINING,
        minVersion: 2,
        maxVersion: 2,
        flags:
          MiningSetupFlags.REQUIRES_VERSION_ROLLING |
          (standardJobs ? MiningSetupFlags.REQUIRES_STANDARD_JOBS : 0),
        endpointHost: this.host,
        endpointPort: this.port,
        vendor: 'keel',
        hardwareVersion: 'cpu',
        firmware: '0.1.0',
        deviceId: `${process.pid}`,
      },
    });
  }

  /** Channel messages for another channel (or a group we are not in) are not ours. */
  private forUs(channelId: number): boolean {
    return channelId === this.channelId || (this.groupId !== 0 && channelId === this.groupId);
  }

  private onMessage(m: Sv2Message): void {
    if (
      'channelId' in m.payload &&
      m.type !== 'OpenStandardMiningChannelSuccess' &&
      m.type !== 'OpenExtendedMiningChannelSuccess' &&
      !this.forUs((m.payload as { channelId: number }).channelId)
    ) {
      this.log.debug({ type: m.type }, 'message for another channel ignored');
      return;
    }
    switch (m.type) {
      case 'SetupConnectionSuccess':
        this.openChannel();
        return;
      case 'SetupConnectionError':
        this.conn?.close(`pool refused SetupConnection: ${m.payload.errorCode}`);
        return;
      case 'OpenStandardMiningChannelSuccess':
        this.channelOpened(m.payload.channelId, m.payload.target, m.payload.extranoncePrefix, 0);
        this.groupId = m.payload.groupChannelId;
        return;
      case 'OpenExtendedMiningChannelSuccess':
        this.channelOpened(
          m.payload.channelId,
          m.payload.target,
          m.payload.extranoncePrefix,
          m.payload.extranonceSize,
        );
        return;
      case 'OpenMiningChannelError':
        this.conn?.close(`pool refused the channel: ${m.payload.errorCode}`);
        return;
      case 'NewMiningJob':
        this.addJob(
          {
            jobId: m.payload.jobId,
            version: m.payload.version,
            rolling: true,
            prefix: this.prefix,
            merkleRoot: m.payload.merkleRoot,
          },
          m.payload.minNtime,
        );
        return;
      case 'NewExtendedMiningJob': {
        const ext = miningJobFromExtended(m.payload, this.prefix.length + this.extranonceSize);
        this.addJob(
          {
            jobId: m.payload.jobId,
            version: m.payload.version,
            rolling: m.payload.versionRollingAllowed,
            prefix: this.prefix,
            extended: ext,
          },
          m.payload.minNtime,
        );
        return;
      }
      case 'SetNewPrevHash': {
        this.prev = {
          prevHash: m.payload.prevHash,
          minNtime: m.payload.minNtime,
          nbits: m.payload.nbits,
        };
        const job = this.jobs.get(m.payload.jobId);
        for (const id of [...this.jobs.keys()]) if (id !== m.payload.jobId) this.jobs.delete(id);
        if (job) {
          job.target ??= this.target;
          this.mine(job);
        }
        return;
      }
      case 'SetTarget':
        // Applies to jobs activated from now on; the running job keeps its target (05 §5.3.21).
        this.target = u256ToTarget(m.payload.maximumTarget);
        this.log.debug({ target: this.target.toString(16) }, 'new target');
        return;
      case 'SetExtranoncePrefix':
        // 05 §5.3.10: for jobs sent after this message; the running job keeps its prefix.
        if (m.payload.extranoncePrefix.length + this.extranonceSize !== this.fullExtranonceLength) {
          this.conn?.close(
            `SetExtranoncePrefix of ${m.payload.extranoncePrefix.length} bytes changes the extranonce space`,
          );
          return;
        }
        this.prefix = m.payload.extranoncePrefix;
        this.emit('extranoncePrefix', this.prefix);
        return;
      case 'SetGroupChannel':
        if (m.payload.channelIds.includes(this.channelId)) this.groupId = m.payload.groupChannelId;
        else if (m.payload.groupChannelId === this.groupId) this.groupId = 0;
        return;
      case 'SubmitSharesSuccess':
        this.stats.sharesAccepted += m.payload.newSubmitsAcceptedCount;
        this.emit('accepted', m.payload);
        return;
      case 'SubmitSharesError':
        this.stats.sharesRejected[m.payload.errorCode] =
          (this.stats.sharesRejected[m.payload.errorCode] ?? 0) + 1;
        this.log.warn({ error: m.payload.errorCode }, 'share rejected');
        this.emit('rejected', m.payload);
        return;
      case 'Reconnect': {
        // 03 §3.6.5: empty host / port 0 keep the present one; the same authority key is pinned.
        if (m.payload.newHost !== '') this.host = m.payload.newHost;
        if (m.payload.newPort !== 0) this.port = m.payload.newPort;
        this.backoff = 0;
        this.log.info(this.upstream, 'pool asked to reconnect');
        this.conn?.close(`pool sent Reconnect to ${this.host}:${this.port}`);
        return;
      }
      case 'CloseChannel':
        this.conn?.close(`pool sent ${m.type}`);
        return;
      default:
        this.log.debug({ type: m.type }, 'ignored message');
    }
  }

  private openChannel(): void {
    const common = {
      requestId: 1,
      userIdentity: this.o.user ?? 'keel-miner',
      nominalHashRate: this.o.nominalHashRate ?? 0,
      maxTarget: targetToU256(MAX_TARGET),
    };
    if (this.o.channel === 'extended') {
      this.conn?.send({
        type: 'OpenExtendedMiningChannel',
        payload: { ...common, minExtranonceSize: 4 },
      });
    } else {
      this.conn?.send({ type: 'OpenStandardMiningChannel', payload: common });
    }
  }

  private fullExtranonceLength = 0;

  private channelOpened(id: number, target: Uint8Array, prefix: Uint8Array, size: number): void {
    this.channelId = id;
    this.groupId = 0;
    this.fullExtranonceLength = prefix.length + size;
    this.target = u256ToTarget(target);
    this.prefix = prefix;
    this.extranonceSize = size;
    this.stats.connected = true;
    this.backoff = this.o.minBackoffMs ?? 500;
    this.log.info({ channelId: id }, 'channel open');
    this.emit('connected');
  }

  private addJob(job: LiveJob, minNtime: number | undefined): void {
    this.jobs.set(job.jobId, job);
    while (this.jobs.size > 16) this.jobs.delete(this.jobs.keys().next().value!);
    if (minNtime !== undefined && this.prev !== undefined) {
      job.target = this.target;
      this.mine(job);
    }
  }

  private rootFor(job: LiveJob, extranonce: Uint8Array | undefined): Uint8Array {
    if (job.merkleRoot) return job.merkleRoot;
    const ext = job.extended;
    if (ext === undefined) {
      throw new StratumNodeError(StratumNodeErrorCode.PROTOCOL, 'job without merkle data');
    }
    return jobMerkleRoot(ext, extranonce ? concatBytes(job.prefix, extranonce) : job.prefix);
  }

  /** Hands every thread a slice of the nonce space for this job. */
  private mine(job: LiveJob): void {
    if (this.prev === undefined) return;
    this.current = job;
    this.works.clear();
    for (let i = 0; i < this.workers.length; i++) this.assign(i, job);
  }

  private assign(thread: number, job: LiveJob): void {
    const prev = this.prev;
    if (prev === undefined) return;
    this.roll++;
    // BIP323: bits 5..28 are free; roll from bit 13 down into 5–12 as the counter grows.
    const version = job.rolling
      ? ((job.version & ~BIP323_VERSION_MASK) |
          (((this.roll << 13) | ((this.roll >>> 19) << 5)) & BIP323_VERSION_MASK)) >>>
        0
      : job.version;
    let extranonce: Uint8Array | undefined;
    if (this.extranonceSize > 0) {
      extranonce = new Uint8Array(this.extranonceSize);
      new DataView(extranonce.buffer).setUint32(0, this.roll >>> 0);
    }
    const ntime = Math.max(prev.minNtime, Math.floor(Date.now() / 1000));
    const header = encodeHeader(
      version,
      prev.prevHash,
      this.rootFor(job, extranonce),
      ntime,
      prev.nbits,
      0,
    );
    const id = this.nextWorkId++;
    this.works.set(id, { id, job, version, ntime, extranonce });
    const span = Math.floor(NONCE_SPACE / this.workers.length);
    this.workers[thread]!.postMessage({
      type: 'work',
      id,
      header,
      target: targetToU256(job.target ?? this.target),
      nonceStart: thread * span,
      count: span,
    });
  }

  private stopWork(): void {
    this.works.clear();
    for (const w of this.workers) w.postMessage({ type: 'stop' });
  }

  private onWorkerMessage(
    thread: number,
    m: { type: string; id: number; nonce?: number; hashes?: number },
  ): void {
    const work = this.works.get(m.id);
    if (m.type === 'progress' || m.type === 'done') this.stats.hashes += m.hashes ?? 0;
    if (work === undefined) return;
    if (m.type === 'done') {
      this.works.delete(m.id);
      // Nonce range exhausted: roll version/extranonce and go on with the same job.
      if (this.current === work.job) this.assign(thread, work.job);
      return;
    }
    if (m.type !== 'share' || m.nonce === undefined || this.conn === undefined) return;
    this.stats.sharesSubmitted++;
    const base = {
      channelId: this.channelId,
      sequenceNumber: this.seq++,
      jobId: work.job.jobId,
      nonce: m.nonce,
      ntime: work.ntime,
      version: work.version,
    };
    if (work.extranonce) {
      this.conn.send({
        type: 'SubmitSharesExtended',
        payload: { ...base, extranonce: work.extranonce },
      });
    } else {
      this.conn.send({ type: 'SubmitSharesStandard', payload: base });
    }
  }
}
