/**
 * The SV2 pool: a TCP listener speaking Noise_NX as responder, one PoolSession per connection,
 * jobs from a TemplateProvider, share validation through @keel/stratum's ShareTracker, vardiff
 * per channel, block solutions handed back to the provider, stats on HTTP (`/stats` JSON and
 * Prometheus `/metrics`). A bad connection (failed handshake, malformed/oversized frame,
 * protocol violation) is closed on its own with the reason logged.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { accelerateEllswift } from '@keel/crypto';
import {
  assembleBlock,
  blockCoinbase,
  createCustomMiningJob,
  type MiningJob,
  type PrevHashState,
  ShareError,
  type ShareSubmission,
  type SubmitResult,
  type Sv2Payload,
  solutionFromShare,
  type TemplateProvider,
  targetForHashrate,
  targetToDifficulty,
  targetToWork,
  Vardiff,
  type VardiffOptions,
} from '@keel/stratum';
import {
  bytesToHex,
  concatBytes,
  equalBytes,
  type Logger,
  nullLogger,
  reverseBytes,
  type Startable,
} from '@keel/util';
import type { PoolIdentity } from '../authority.ts';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import type { MergeMiningCoordinator } from '../merge/coordinator.ts';
import { listenAddress } from '../net/address.ts';
import { acceptNoise, describe } from '../net/noiseConnection.ts';
import { EXTENDED_PREFIX_LENGTH, EXTRANONCE_LENGTH, JobManager } from './jobs.ts';
import { type Channel, type Downstream, PoolSession } from './session.ts';
import { PoolStats } from './stats.ts';

export interface PoolOptions {
  readonly identity: PoolIdentity;
  readonly provider: TemplateProvider;
  /** scriptPubKey the coinbase pays to. */
  readonly payoutScript: Uint8Array;
  readonly host?: string;
  /** 0 = any free port (see `address`). */
  readonly port?: number;
  /** Starting channel target (clamped by each channel's max_target). */
  readonly initialTarget: bigint;
  /** The hardest target a miner may ask for (lower max_target is refused). Default 1. */
  readonly hardestTarget?: bigint;
  readonly vardiff?: VardiffOptions;
  /** Seconds between vardiff checks of idle channels. Default 5. */
  readonly vardiffIntervalSeconds?: number;
  readonly handshakeTimeoutMs?: number;
  /** Largest SV2 frame payload accepted from a miner. Default 16 KiB. */
  readonly maxFramePayload?: number;
  readonly maxConnections?: number;
  readonly logger?: Logger;
  /** Merge mining: aux commitments in every coinbase, AuxPoWs for shares meeting aux targets. */
  readonly mergeMining?: MergeMiningCoordinator;
  /**
   * Extended channels: bytes of extranonce_prefix the pool assigns (default 8). Standard
   * channels get the whole space (prefix + miner part) as their prefix.
   */
  readonly extranoncePrefixSize?: number;
  /** Extended channels: bytes the miner rolls (OpenExtendedMiningChannel.Success.extranonce_size). Default 8. */
  readonly extranonceSize?: number;
  /**
   * Channels opened with a nominal_hash_rate > 0 start at the target that hash rate needs for
   * the vardiff goal (default on); 0 (unknown, e.g. a proxy with no devices yet) starts at
   * `initialTarget`.
   */
  readonly targetFromNominalHashRate?: boolean;
  /** Job Declaration: accepts SetCustomMiningJob on work-selection connections (the JDS). */
  readonly customJobs?: CustomJobAuthority;
  /**
   * Bytes every extranonce_prefix starts with (a proxy / JDC: the upstream channel's prefix);
   * they count toward `extranoncePrefixSize`.
   */
  readonly extranoncePrefixBase?: Uint8Array;
}

/** Emitted as 'share' for every accepted share (proxies forward them upstream). */
export interface ShareEvent {
  readonly channel: Channel;
  readonly jobId: number;
  readonly share: ShareSubmission;
  /** extranonce_prefix ‖ extranonce as hashed. */
  readonly fullExtranonce: Uint8Array;
  /** Header hash (internal byte order). */
  readonly hash: Uint8Array;
  readonly job: MiningJob;
  /** The hash meets the network target. */
  readonly block: boolean;
}

/** What the pool asks its Job Declarator Server about a SetCustomMiningJob. */
export interface CustomJobAuthority {
  /**
   * Checks the job against the declaration its token names (06 §6.4): the transactions behind
   * the merkle path and the pool's payout. Ok → the serialized transactions for the block.
   */
  checkCustomJob(
    p: Sv2Payload<'SetCustomMiningJob'>,
  ): { ok: true; transactions: readonly Uint8Array[] } | { ok: false; error: string };
  /** A block found on a custom job: validate and propagate it. */
  submitBlock(block: Uint8Array): Promise<SubmitResult>;
}

export interface BlockEvent {
  readonly height: number;
  readonly hash: string;
  readonly identity: string;
}

export interface SubmitPayload {
  readonly channelId: number;
  readonly sequenceNumber: number;
  readonly jobId: number;
  readonly nonce: number;
  readonly ntime: number;
  readonly version: number;
}

export class Pool extends EventEmitter implements Startable {
  readonly stats = new PoolStats();
  readonly jobs: JobManager;
  readonly hardestTarget: bigint;
  private readonly o: PoolOptions;
  private readonly log: Logger;
  private readonly sessions = new Set<PoolSession>();
  private server: Server | undefined;
  private unsubscribe: (() => void) | undefined;
  private vardiffTimer: NodeJS.Timeout | undefined;
  private nextChannelId = 1;
  private nextExtranonce = 1n;
  /** A SetTarget went out since the last job: the next vardiff tick re-issues the live job. */
  private targetsChanged = false;
  /** Transactions of accepted custom jobs (for the block), by job id. */
  private readonly customTxs = new Map<number, readonly Uint8Array[]>();
  /** Extended channels: pool prefix bytes and miner bytes. */
  readonly extranoncePrefixSize: number;
  readonly extranonceSize: number;
  /** Extensions (09) this pool implements beyond negotiation itself: none yet. */
  readonly supportedExtensions: readonly number[] = [];
  private prefixBase: Uint8Array;
  /** Block and aux submissions in flight (run concurrently; a slow one must not hold up the next). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(o: PoolOptions) {
    super();
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.hardestTarget = o.hardestTarget ?? 1n;
    this.extranoncePrefixSize = o.extranoncePrefixSize ?? EXTENDED_PREFIX_LENGTH;
    this.prefixBase = o.extranoncePrefixBase ?? new Uint8Array(0);
    if (this.prefixBase.length >= this.extranoncePrefixSize) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        `extranonce prefix base of ${this.prefixBase.length} bytes leaves nothing of a ${this.extranoncePrefixSize}-byte prefix`,
      );
    }
    this.extranonceSize = o.extranonceSize ?? EXTRANONCE_LENGTH - EXTENDED_PREFIX_LENGTH;
    const total = this.extranoncePrefixSize + this.extranonceSize;
    if (this.extranoncePrefixSize < 1 || this.extranonceSize < 0 || total > 32) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        `extranonce sizes ${this.extranoncePrefixSize} + ${this.extranonceSize}: the prefix needs ≥ 1 byte and the total ≤ 32 (B0_32)`,
      );
    }
    this.jobs = new JobManager(
      o.payoutScript,
      {
        onJob: (job) => this.broadcastJob(job),
        onPrevHash: (job, prev) => this.broadcastPrevHash(job, prev),
      },
      this.log,
      o.mergeMining ? () => o.mergeMining?.current() : undefined,
      total,
    );
    if (o.mergeMining) o.mergeMining.onChange = () => this.jobs.refresh();
  }

  get address(): { host: string; port: number } {
    return listenAddress(this.server);
  }

  get logger(): Logger {
    return this.log;
  }

  get acceptsCustomJobs(): boolean {
    return this.o.customJobs !== undefined;
  }

  async start(): Promise<void> {
    // Noise handshakes: ElligatorSwift ECDH through libsecp256k1 (WASM) where it loads (~3× faster)
    await accelerateEllswift();
    this.unsubscribe = this.o.provider.subscribe(
      {
        onNewTemplate: (t) => this.jobs.onNewTemplate(t),
        onSetNewPrevHash: (p) => {
          this.jobs.onSetNewPrevHash(p);
        },
      },
      64,
    );
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.o.maxConnections ?? 20_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const every = (this.o.vardiffIntervalSeconds ?? 5) * 1000;
    this.vardiffTimer = setInterval(() => this.retargetAll(), every);
    this.vardiffTimer.unref();
    this.log.info(this.address, 'SV2 pool listening (Noise_NX)');
  }

  async stop(): Promise<void> {
    if (this.vardiffTimer) clearInterval(this.vardiffTimer);
    this.unsubscribe?.();
    for (const s of this.sessions) s.downstream.close('pool shutting down');
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // Give submissions in flight a moment to finish, but never hang on a silent template source.
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((r) => setTimeout(r, 3000).unref()),
    ]);
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    acceptNoise(socket, {
      staticKey: this.o.identity.staticKey,
      certificate: this.o.identity.certificate,
      // Unknown messages are read (within the size limit) and ignored (03 §3.4).
      limits: { maxPayloadLength: this.o.maxFramePayload ?? 16 * 1024, rejectUnknown: false },
      handshakeTimeoutMs: this.o.handshakeTimeoutMs ?? 10_000,
    }).then(
      (conn) => {
        const session = this.attach(conn);
        conn.attach({
          onMessage: (m) => session.handle(m),
          onClose: (reason) => {
            this.detach(session);
            this.log.info({ remote, reason }, 'connection closed');
          },
        });
      },
      (e) => this.log.warn({ remote, reason: describe(e) }, 'handshake failed'),
    );
  }

  /** Adds a downstream (a Noise connection or the SV1 translator) and returns its session. */
  attach(d: Downstream): PoolSession {
    const s = new PoolSession(this, d);
    this.sessions.add(s);
    this.stats.connectionOpened();
    return s;
  }

  detach(s: PoolSession): void {
    if (!this.sessions.delete(s)) return;
    s.closeAll();
    this.stats.connectionClosed();
  }

  allocateChannelId(): number {
    return this.nextChannelId++;
  }

  allocateExtranonce(kind: 'standard' | 'extended'): { prefix: Uint8Array; minerSize: number } {
    const total = this.extranoncePrefixSize + this.extranonceSize;
    const len = kind === 'standard' ? total : this.extranoncePrefixSize;
    const prefix = new Uint8Array(len);
    prefix.set(this.prefixBase);
    // A big-endian counter in the pool's prefix bytes after the base.
    let n = this.nextExtranonce++;
    for (let i = this.extranoncePrefixSize - 1; i >= this.prefixBase.length && n > 0n; i--) {
      prefix[i] = Number(n & 0xffn);
      n >>= 8n;
    }
    return { prefix, minerSize: total - len };
  }

  /** 05 §5.3.1: nominal_hash_rate (h/s) may set the first target; 0 means unknown. */
  initialTarget(nominalHashRate: number): bigint {
    if (
      this.o.targetFromNominalHashRate !== false &&
      Number.isFinite(nominalHashRate) &&
      nominalHashRate > 0
    ) {
      const t = targetForHashrate(nominalHashRate, this.o.vardiff?.sharesPerMinute ?? 10);
      return t < this.hardestTarget ? this.hardestTarget : t;
    }
    return this.o.initialTarget;
  }

  /**
   * Sends Reconnect (03 §3.6.5) to every connection: miners re-handshake with `host:port`
   * (empty / 0 = the present one), pinning the same authority key. For moving miners off a
   * pool instance before it stops.
   */
  reconnectAll(host: string, port: number): void {
    for (const s of this.sessions) {
      s.downstream.send({ type: 'Reconnect', payload: { newHost: host, newPort: port } });
    }
  }

  /**
   * A new upstream prefix (a proxy's upstream reconnected): every connection is closed so its
   * miners reopen channels inside the new space.
   */
  setExtranoncePrefixBase(base: Uint8Array): void {
    if (base.length !== this.prefixBase.length) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        `new extranonce prefix base is ${base.length} bytes, was ${this.prefixBase.length}`,
      );
    }
    this.prefixBase = base;
    for (const s of [...this.sessions]) s.downstream.close('upstream extranonce space changed');
  }

  /** The scriptPubKey later jobs pay (a JDC learns it from its JDS's token). */
  setPayoutScript(script: Uint8Array): void {
    this.jobs.payoutScript = script;
  }

  /** A channel got a SetTarget: its next job carries it (jobs keep their own target). */
  targetChanged(): void {
    this.targetsChanged = true;
  }

  createVardiff(target: bigint, maxTarget: bigint): Vardiff {
    return new Vardiff(target, Date.now() / 1000, {
      ...this.o.vardiff,
      maxTarget,
      minTarget: this.hardestTarget,
    });
  }

  channelOpened(ch: Channel): void {
    this.stats.channels++;
    const w = this.stats.worker(ch.identity);
    w.channels++;
    w.channelsOpened++;
  }

  /** SV1 miners name themselves (mining.authorize) after their channel opened. */
  renameChannel(ch: Channel, identity: string): void {
    const old = this.stats.worker(ch.identity);
    old.channels--;
    old.channelsOpened--;
    ch.identity = identity;
    const w = this.stats.worker(identity);
    w.channels++;
    w.channelsOpened++;
  }

  channelClosed(ch: Channel): void {
    this.stats.channels--;
    this.stats.worker(ch.identity).channels--;
  }

  private broadcastJob(job: MiningJob): void {
    this.targetsChanged = false;
    const prev = this.jobs.tracker.prevHash;
    const minNtime = job.future ? undefined : prev?.minNtime;
    if (!job.future && prev !== undefined) this.emit('jobActive', job, prev);
    for (const s of this.sessions) s.broadcastJob(job, minNtime);
  }

  private broadcastPrevHash(job: MiningJob, prev: PrevHashState): void {
    this.emit('jobActive', job, prev);
    for (const s of this.sessions) s.broadcastPrevHash(job, prev);
  }

  /** Validates one share (SubmitSharesStandard/Extended) and answers Success or Error. */
  submitShare(session: PoolSession, p: SubmitPayload, extranonce: Uint8Array | undefined): void {
    const t0 = performance.now();
    try {
      this.handleShare(session, p, extranonce);
    } finally {
      this.stats.shareHandled(performance.now() - t0);
    }
  }

  private handleShare(
    session: PoolSession,
    p: SubmitPayload,
    extranonce: Uint8Array | undefined,
  ): void {
    const ch = session.channels.get(p.channelId);
    const error = (errorCode: string, identity: string) => {
      this.stats.rejected(identity, errorCode);
      session.downstream.send({
        type: 'SubmitSharesError',
        payload: { channelId: p.channelId, sequenceNumber: p.sequenceNumber, errorCode },
      });
    };
    if (ch === undefined) {
      error(ShareError.INVALID_CHANNEL_ID, 'unknown');
      return;
    }
    if ((ch.kind === 'standard') !== (extranonce === undefined)) {
      error(ShareError.INVALID_CHANNEL_ID, ch.identity);
      return;
    }
    const share: ShareSubmission = {
      jobId: p.jobId,
      nonce: p.nonce >>> 0,
      ntime: p.ntime >>> 0,
      version: p.version >>> 0,
      ...(extranonce !== undefined ? { extranonce } : {}),
    };
    const nowMs = Date.now();
    const aux = this.jobs.auxFor(p.jobId);
    const target = session.shareTarget(ch, p.jobId);
    const verdict = this.jobs.tracker.submit({
      channelId: ch.id,
      channel: {
        extranoncePrefix: ch.extranoncePrefix,
        target,
        extranonceSize: ch.extranonceSize,
      },
      share,
      now: Math.floor(nowMs / 1000),
      ...(aux ? { poolTarget: aux.poolTarget } : {}),
    });
    if (!verdict.ok) {
      this.log.debug(
        { channel: ch.id, error: verdict.error, reason: verdict.reason },
        'share rejected',
      );
      error(verdict.error, ch.identity);
      return;
    }
    this.stats.accepted(ch.identity, Number(targetToWork(target)), nowMs);
    ch.vardiff.recordShare(target);
    if (this.listenerCount('share') > 0) {
      const job = this.jobs.tracker.job(p.jobId);
      if (job !== undefined) {
        this.emit('share', {
          channel: ch,
          jobId: p.jobId,
          share,
          fullExtranonce: extranonce
            ? concatBytes(ch.extranoncePrefix, extranonce)
            : ch.extranoncePrefix,
          hash: verdict.hash,
          job,
          block: verdict.class === 'block',
        } satisfies ShareEvent);
      }
    }
    session.downstream.send({
      type: 'SubmitSharesSuccess',
      payload: {
        channelId: ch.id,
        lastSequenceNumber: p.sequenceNumber,
        newSubmitsAcceptedCount: 1,
        newSharesSum: BigInt(Math.max(1, Math.round(targetToDifficulty(target)))),
      },
    });
    if (aux && verdict.meetsPoolTarget) {
      const job = this.jobs.tracker.job(p.jobId);
      if (job !== undefined) {
        const fullExtranonce = extranonce
          ? concatBytes(ch.extranoncePrefix, extranonce)
          : ch.extranoncePrefix;
        const mm = this.o.mergeMining;
        if (mm) {
          this.track(
            mm
              .onShare({
                ctx: aux,
                job,
                fullExtranonce,
                header: verdict.header,
                hash: verdict.hash,
              })
              .catch((e) => this.log.error({ err: describe(e) }, 'merge mining failed')),
          );
        }
      }
    }
    if (verdict.class === 'block') {
      const job = this.jobs.tracker.job(p.jobId);
      const custom = this.customTxs.get(p.jobId);
      if (job !== undefined && custom !== undefined) {
        const full = extranonce
          ? concatBytes(ch.extranoncePrefix, extranonce)
          : ch.extranoncePrefix;
        const block = assembleBlock(verdict.header, blockCoinbase(job, full), custom);
        this.trackBlock(ch, () => this.o.customJobs!.submitBlock(block));
      } else if (job !== undefined) this.submitBlock(job, share, ch);
    }
    const next = ch.vardiff.update(nowMs / 1000);
    if (next !== undefined) session.setTarget(ch, next);
  }

  private submitBlock(job: MiningJob, share: ShareSubmission, ch: Channel): void {
    const solution = solutionFromShare(job, share, ch.extranoncePrefix);
    this.trackBlock(ch, () => this.o.provider.submitSolution(solution));
  }

  private trackBlock(ch: Channel, submit: () => Promise<SubmitResult>): void {
    this.track(
      (async () => {
        try {
          const r = await submit();
          if (r.accepted) {
            const hash = bytesToHex(reverseBytes(r.blockHash));
            this.stats.block(ch.identity, r.height, hash);
            this.log.info({ height: r.height, hash, by: ch.identity }, 'block found');
            this.emit('block', {
              height: r.height,
              hash,
              identity: ch.identity,
            } satisfies BlockEvent);
          } else if (r.reason === 'forwarded-upstream') {
            // A proxy's local pool: the share went upstream, where the block is submitted.
            this.log.info({ by: ch.identity }, 'block-level share forwarded upstream');
          } else {
            this.stats.blocksRejected++;
            this.log.warn(
              { reason: r.reason, by: ch.identity },
              'block rejected by template source',
            );
            this.emit('blockRejected', r.reason);
          }
        } catch (e) {
          this.stats.blocksRejected++;
          this.log.error({ err: describe(e) }, 'submitSolution failed');
        }
      })(),
    );
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p));
  }

  private retargetAll(): void {
    const now = Date.now() / 1000;
    for (const s of this.sessions) {
      for (const ch of s.channels.values()) {
        const next = ch.vardiff.update(now);
        if (next !== undefined) s.setTarget(ch, next);
      }
    }
    // New targets apply to new jobs (05 §5.3.21): re-issue the live template at most once a tick.
    if (this.targetsChanged) this.jobs.refresh();
  }

  /**
   * SetCustomMiningJob (05 §5.3.18) on a work-selection extended channel: the JDS checks the
   * token and the declared transactions; the job must build on the current prev hash.
   */
  setCustomMiningJob(session: PoolSession, p: Sv2Payload<'SetCustomMiningJob'>): void {
    const fail = (errorCode: string) =>
      session.downstream.send({
        type: 'SetCustomMiningJobError',
        payload: { channelId: p.channelId, requestId: p.requestId, errorCode },
      });
    const ch = session.channels.get(p.channelId);
    if (ch === undefined || !ch.workSelection || this.o.customJobs === undefined) {
      fail('invalid-channel-id');
      return;
    }
    const prev = this.jobs.tracker.prevHash;
    if (prev === undefined || !equalBytes(prev.prevHash, p.prevHash) || prev.nbits !== p.nbits) {
      fail('invalid-job-param-value-prev-hash');
      return;
    }
    const verdict = this.o.customJobs.checkCustomJob(p);
    if (!verdict.ok) {
      fail(verdict.error);
      return;
    }
    let job: MiningJob;
    try {
      job = createCustomMiningJob(
        this.jobs.allocateJobId(),
        p,
        this.extranoncePrefixSize + this.extranonceSize,
      );
      this.jobs.tracker.addJob(job);
    } catch (e) {
      fail(`invalid-job-param-value-coinbase: ${describe(e)}`.slice(0, 255));
      return;
    }
    this.customTxs.set(job.jobId, verdict.transactions);
    while (this.customTxs.size > 64) this.customTxs.delete(this.customTxs.keys().next().value!);
    session.customJobActivated(ch, job.jobId);
    session.downstream.send({
      type: 'SetCustomMiningJobSuccess',
      payload: { channelId: p.channelId, requestId: p.requestId, jobId: job.jobId },
    });
  }
}
