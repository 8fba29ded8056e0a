/**
 * Job Declarator Client (sv2-spec 06 §6.2, Full-Template mode) on the miner side. Devices
 * connect to a local keel `Pool` whose jobs come from the miner's own template source (its own
 * node: transactions it chose). Every job that goes live is declared to the JDS
 * (AllocateMiningJobToken → DeclareMiningJob with wtxids, ProvideMissingTransactions answered
 * from the template's data) and then announced to the pool with SetCustomMiningJob on one
 * work-selection extended channel (`PoolUpstream`); shares meeting that channel's target are
 * forwarded under the pool's job id, block solutions also go to the JDS (PushSolution) and to
 * the miner's own node (the local pool's SubmitSolution).
 *
 * Fallback (as SRI's JDC does): while the JDS is unreachable, or after it or the pool refuses
 * a declared job, the local pool mines the pool's own jobs from the same upstream channel; the
 * JDS is retried and declaration resumes when it answers.
 */
import { decodeTransaction, wtxid } from '@keel/bitcoin/primitives';
import {
  declaredCoinbaseParts,
  extendedJobMessage,
  hashToBigInt,
  JobDeclarationSetupFlags,
  type MiningJob,
  type PrevHashState,
  type SubmitResult,
  type SubmitSolution,
  type Sv2Message,
  Sv2Protocol,
  splitOutputs,
  type TemplateListener,
  type TemplateProvider,
  type VardiffOptions,
} from '@keel/stratum';
import { BufferReader, BufferWriter, type Logger, nullLogger, type Startable } from '@keel/util';
import type { PoolIdentity } from '../authority.ts';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { connectNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';
import { Pool, type ShareEvent } from '../pool/pool.ts';
import { PoolUpstream, templateFromExtendedJob } from '../proxy/poolUpstream.ts';
import type { UpstreamAddress } from '../proxy/upstream.ts';

/** The miner's own template source: templates plus their transactions (TDP / regtest / GBT). */
export interface JdcTemplateSource extends TemplateProvider {
  transactionData(templateId: bigint): readonly Uint8Array[] | undefined;
}

export interface JobDeclaratorClientOptions {
  readonly pools: readonly UpstreamAddress[];
  readonly jds: UpstreamAddress;
  /** The pool's authority key (pinned on both the pool and the JDS connection). */
  readonly authorityPublicKey: Uint8Array;
  readonly source: JdcTemplateSource;
  /** The JDC's own identity towards its devices. */
  readonly identity: PoolIdentity;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly deviceBytes?: number;
  readonly vardiff?: VardiffOptions;
  readonly jdsTimeoutMs?: number;
  /** How often an unreachable JDS is retried (default 10 s). */
  readonly jdsRetryMs?: number;
  readonly logger?: Logger;
}

/** Template ids of the pool's own jobs, kept apart from the miner's source's ids. */
const FALLBACK_OFFSET = 1n << 48n;

/** One template listener, fed by whichever source is active. */
class SwitchingProvider implements TemplateProvider {
  private listener: TemplateListener | undefined;
  private unsub: (() => void) | undefined;
  constructor(
    private readonly own: JdcTemplateSource,
    private readonly pool: PoolUpstream,
    public mode: 'jd' | 'fallback',
  ) {}

  subscribe(l: TemplateListener, size: number): () => void {
    this.listener = l;
    this.attach(size);
    return () => {
      this.unsub?.();
      this.listener = undefined;
    };
  }

  use(mode: 'jd' | 'fallback'): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.unsub?.();
    if (this.listener) this.attach(64);
  }

  private attach(size: number): void {
    const l = this.listener!;
    if (this.mode === 'jd') {
      this.unsub = this.own.subscribe(l, size);
    } else {
      this.unsub = this.pool.subscribe({
        onNewTemplate: (t) => l.onNewTemplate({ ...t, templateId: t.templateId + FALLBACK_OFFSET }),
        onSetNewPrevHash: (p) =>
          l.onSetNewPrevHash({ ...p, templateId: p.templateId + FALLBACK_OFFSET }),
      });
    }
  }

  submitSolution(s: SubmitSolution): Promise<SubmitResult> {
    if (s.templateId >= FALLBACK_OFFSET) return this.pool.submitSolution();
    return this.own.submitSolution(s);
  }
}

interface Buffered {
  readonly e: ShareEvent;
}

export class JobDeclaratorClient implements Startable {
  readonly upstream: PoolUpstream;
  private local: Pool | undefined;
  private provider: SwitchingProvider | undefined;
  private jds: Sv2Connection | undefined;
  private readonly log: Logger;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private token: Uint8Array | undefined;
  private nextRequest = 1;
  /** Local job id → the pool's job id (SetCustomMiningJob.Success). */
  private readonly upstreamJob = new Map<number, number>();
  private readonly declaring = new Map<
    number,
    { job: MiningJob; prev: PrevHashState; txs: readonly Uint8Array[] }
  >();
  private readonly buffered = new Map<number, Buffered[]>();
  /** Stats. */
  jobsDeclared = 0;
  jobsRefused: Record<string, number> = {};
  solutionsPushed = 0;
  fallbacks = 0;

  constructor(private readonly o: JobDeclaratorClientOptions) {
    this.log = o.logger ?? nullLogger;
    this.upstream = new PoolUpstream({
      upstreams: o.pools,
      authorityPublicKey: o.authorityPublicKey,
      user: o.user ?? 'keel-jdc',
      workSelection: true,
      minExtranonceSize: (o.deviceBytes ?? 4) + 4,
      logger: this.log.child({ mod: 'upstream' }),
    });
  }

  get mode(): 'jd' | 'fallback' {
    return this.provider?.mode ?? 'fallback';
  }

  get pool(): Pool {
    if (this.local === undefined) {
      throw new StratumNodeError(StratumNodeErrorCode.CONFIG, 'JDC not started');
    }
    return this.local;
  }

  get address(): { host: string; port: number } {
    return this.pool.address;
  }

  async start(): Promise<void> {
    await this.upstream.start();
    const payout = await this.connectJds().catch((e) => {
      this.log.warn({ err: describe(e) }, 'JDS unreachable: mining the pool jobs (fallback)');
      return undefined;
    });
    const up = this.upstream;
    const deviceBytes = this.o.deviceBytes ?? 4;
    this.provider = new SwitchingProvider(this.o.source, up, payout ? 'jd' : 'fallback');
    if (!payout) this.fallbacks++;
    const local = new Pool({
      identity: this.o.identity,
      provider: this.provider,
      payoutScript: payout ?? new Uint8Array(0),
      host: this.o.host ?? '127.0.0.1',
      port: this.o.port ?? 0,
      initialTarget: up.target,
      extranoncePrefixBase: up.prefix,
      extranoncePrefixSize: up.prefix.length + deviceBytes,
      extranonceSize: up.extranonceSize - deviceBytes,
      ...(this.o.vardiff ? { vardiff: this.o.vardiff } : {}),
      logger: this.log.child({ mod: 'local' }),
    });
    local.on('share', (e: ShareEvent) => this.onShare(e));
    local.on('jobActive', (job: MiningJob, prev: PrevHashState) => this.onJobActive(job, prev));
    up.on('prefix', (p: Uint8Array) => local.setExtranoncePrefixBase(p));
    this.local = local;
    await local.start();
    if (!payout) this.scheduleRetry();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.jds?.close('JDC stopping');
    await this.local?.stop();
    await this.upstream.stop();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connectJds().then(
        (payout) => {
          this.local?.setPayoutScript(payout);
          this.log.info('JDS reachable again: declaring jobs');
          this.provider?.use('jd');
        },
        () => this.scheduleRetry(),
      );
    }, this.o.jdsRetryMs ?? 10_000);
    this.retry.unref();
  }

  private fallback(reason: string): void {
    if (this.provider?.mode === 'fallback') return;
    this.fallbacks++;
    this.log.warn({ reason }, 'Job Declaration fallback: mining the pool jobs');
    this.provider?.use('fallback');
    this.scheduleRetry();
  }

  /** SetupConnection + the first token; resolves to the pool payout script. */
  private connectJds(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, 'JDS timed out')),
        this.o.jdsTimeoutMs ?? 5000,
      );
      connectNoise({
        host: this.o.jds.host,
        port: this.o.jds.port,
        authorityPublicKey: this.o.authorityPublicKey,
        limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
        timeoutMs: this.o.jdsTimeoutMs ?? 5000,
      }).then(
        (conn) => {
          this.jds = conn;
          conn.attach({
            onMessage: (m) => {
              if (m.type === 'AllocateMiningJobTokenSuccess' && this.token === undefined) {
                clearTimeout(timer);
                this.token = m.payload.miningJobToken;
                try {
                  resolve(firstOutputScript(m.payload.coinbaseTxOutputs));
                } catch (e) {
                  reject(e);
                }
                return;
              }
              this.onJdsMessage(m);
            },
            onClose: (reason) => {
              clearTimeout(timer);
              this.jds = undefined;
              this.token = undefined;
              reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
              if (!this.stopped) this.fallback(`JDS connection lost: ${reason}`);
            },
          });
          conn.send({
            type: 'SetupConnection',
            payload: {
              protocol: Sv2Protocol.JOB_DECLARATION,
              minVersion: 2,
              maxVersion: 2,
              flags: JobDeclarationSetupFlags.DECLARE_TX_DATA,
              endpointHost: this.o.jds.host,
              endpointPort: this.o.jds.port,
              vendor: 'keel',
              hardwareVersion: 'jd-client',
              firmware: '0.1.0',
              deviceId: `${process.pid}`,
            },
          });
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private allocate(): void {
    this.jds?.send({
      type: 'AllocateMiningJobToken',
      payload: { userIdentifier: this.o.user ?? 'keel-jdc', requestId: this.nextRequest++ },
    });
  }

  private onJdsMessage(m: Sv2Message): void {
    switch (m.type) {
      case 'SetupConnectionSuccess':
        this.allocate();
        return;
      case 'SetupConnectionError':
        this.jds?.close(`JDS refused: ${m.payload.errorCode}`);
        return;
      case 'AllocateMiningJobTokenSuccess':
        this.token = m.payload.miningJobToken;
        return;
      case 'ProvideMissingTransactions': {
        const d = this.declaring.get(m.payload.requestId);
        if (d === undefined) return;
        const list = m.payload.unknownTxPositionList.map((i) => d.txs[i]);
        if (list.some((t) => t === undefined)) {
          this.fallback('JDS asked for a position beyond the template');
          return;
        }
        this.jds?.send({
          type: 'ProvideMissingTransactionsSuccess',
          payload: { requestId: m.payload.requestId, transactionList: list as Uint8Array[] },
        });
        return;
      }
      case 'DeclareMiningJobSuccess': {
        const d = this.declaring.get(m.payload.requestId);
        this.declaring.delete(m.payload.requestId);
        if (d) this.setCustomJob(d.job, d.prev, m.payload.newMiningJobToken);
        return;
      }
      case 'DeclareMiningJobError':
        this.declaring.delete(m.payload.requestId);
        this.jobsRefused[m.payload.errorCode] = (this.jobsRefused[m.payload.errorCode] ?? 0) + 1;
        this.fallback(`JDS refused the job: ${m.payload.errorCode}`);
        return;
      default:
        this.log.debug({ type: m.type }, 'JDC ignored a JDS message');
    }
  }

  private onJobActive(job: MiningJob, prev: PrevHashState): void {
    if (this.provider?.mode !== 'jd' || job.templateId >= FALLBACK_OFFSET) return;
    const token = this.token;
    if (token === undefined || this.jds === undefined) return;
    const txs = this.o.source.transactionData(job.templateId);
    if (txs === undefined) {
      this.log.warn({ templateId: String(job.templateId) }, 'no transaction data to declare');
      return;
    }
    let wtxids: Uint8Array[];
    try {
      wtxids = txs.map((t) => wtxid(decodeTransaction(t)));
    } catch (e) {
      this.log.error({ err: describe(e) }, 'own template has an undecodable transaction');
      return;
    }
    const requestId = this.nextRequest++;
    this.declaring.set(requestId, { job, prev, txs });
    while (this.declaring.size > 64) this.declaring.delete(this.declaring.keys().next().value!);
    const { prefix, suffix } = declaredCoinbaseParts(job);
    this.token = undefined;
    this.jds.send({
      type: 'DeclareMiningJob',
      payload: {
        requestId,
        miningJobToken: token,
        version: job.version,
        coinbaseTxPrefix: prefix,
        coinbaseTxSuffix: suffix,
        wtxidList: wtxids,
        excessData: new Uint8Array(0),
      },
    });
    this.allocate(); // a fresh token for the next job
  }

  private setCustomJob(job: MiningJob, prev: PrevHashState, token: Uint8Array): void {
    const t = templateFromExtendedJob(
      extendedJobMessage(job, 0, prev.minNtime),
      job.extranonceLength,
    );
    const w = new BufferWriter(256).compactSize(t.coinbaseTxOutputs.length);
    for (const o of t.coinbaseTxOutputs) w.bytes(o);
    this.upstream
      .setCustomMiningJob({
        miningJobToken: token,
        version: job.version,
        prevHash: prev.prevHash,
        minNtime: prev.minNtime,
        nbits: prev.nbits,
        coinbaseTxVersion: t.coinbaseTxVersion,
        coinbasePrefix: t.coinbasePrefix,
        coinbaseTxInputNSequence: t.coinbaseTxInputSequence,
        coinbaseTxOutputs: w.finish(),
        coinbaseTxLocktime: t.coinbaseTxLocktime,
        merklePath: [...job.merklePath],
      })
      .then(
        (upstreamId) => {
          this.jobsDeclared++;
          this.upstreamJob.set(job.jobId, upstreamId);
          while (this.upstreamJob.size > 64)
            this.upstreamJob.delete(this.upstreamJob.keys().next().value!);
          // Optimistic mining (06 §6.3): shares found before the ack go up now.
          for (const b of this.buffered.get(job.jobId) ?? []) this.onShare(b.e);
          this.buffered.delete(job.jobId);
        },
        (e) => {
          const code = describe(e);
          this.jobsRefused[code] = (this.jobsRefused[code] ?? 0) + 1;
          this.fallback(`pool refused the custom job: ${code}`);
        },
      );
  }

  private onShare(e: ShareEvent): void {
    let upstreamId: number | undefined;
    if (e.job.templateId >= FALLBACK_OFFSET)
      upstreamId = Number(e.job.templateId - FALLBACK_OFFSET);
    else {
      upstreamId = this.upstreamJob.get(e.jobId);
      if (e.block) this.pushSolution(e);
      if (upstreamId === undefined) {
        const list = this.buffered.get(e.jobId) ?? [];
        if (list.length < 1000) list.push({ e });
        this.buffered.set(e.jobId, list);
        while (this.buffered.size > 16) this.buffered.delete(this.buffered.keys().next().value!);
        return;
      }
    }
    if (hashToBigInt(e.hash) > this.upstream.targetFor(upstreamId)) return;
    this.upstream.submit({
      jobId: upstreamId,
      nonce: e.share.nonce,
      ntime: e.share.ntime,
      version: e.share.version,
      fullExtranonce: e.fullExtranonce,
      from: e.channel.identity,
    });
  }

  /** 06 §6.4.9: the JDS propagates the block too. */
  private pushSolution(e: ShareEvent): void {
    const prev = this.local?.jobs.tracker.prevHash;
    if (prev === undefined || this.jds === undefined) return;
    this.solutionsPushed++;
    this.jds.send({
      type: 'PushSolution',
      payload: {
        extranonce: e.fullExtranonce,
        prevHash: prev.prevHash,
        nonce: e.share.nonce,
        ntime: e.share.ntime,
        nbits: prev.nbits,
        version: e.share.version,
      },
    });
  }
}

/** The script of the first output in a CompactSize-prefixed output list (the pool payout). */
function firstOutputScript(field: Uint8Array): Uint8Array {
  const r = new BufferReader(field);
  const n = r.compactSize(10_000, 'coinbase output count');
  if (n < 1) {
    throw new StratumNodeError(StratumNodeErrorCode.PROTOCOL, 'JDS gave no pool payout output');
  }
  const outs = splitOutputs(r.bytes(r.remaining), n);
  const o = new BufferReader(outs[0]!);
  o.u64le();
  return o.varBytes(10_000);
}
