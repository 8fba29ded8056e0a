/**
 * Pool statistics: per miner/worker counters for the JSON endpoint, mirrored into a prom-client
 * registry for `/metrics`. The user identity `name.worker` splits into miner and worker.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface WorkerStats {
  miner: string;
  worker: string;
  accepted: number;
  rejected: Record<string, number>;
  blocks: number;
  /** Expected hashes behind the accepted shares. */
  work: number;
  hashrate: number;
  firstShareAt: number | undefined;
  lastShareAt: number | undefined;
  channels: number;
  /** Channels opened over the pool's life. */
  channelsOpened: number;
}

export interface PoolSnapshot {
  blocksFound: number;
  blocksRejected: number;
  sharesAccepted: number;
  sharesRejected: Record<string, number>;
  miners: number;
  connections: number;
  channels: number;
  tipHeight: number;
  tipHash: string;
  workers: WorkerStats[];
}

export class PoolStats {
  readonly registry = new Registry();
  blocksFound = 0;
  blocksRejected = 0;
  sharesAccepted = 0;
  readonly sharesRejected: Record<string, number> = {};
  connections = 0;
  channels = 0;
  tipHeight = 0;
  tipHash = '';
  private readonly workers = new Map<string, WorkerStats>();
  private readonly mAccepted: Counter<'miner' | 'worker'>;
  private readonly mRejected: Counter<'reason'>;
  private readonly mBlocks: Counter;
  private readonly mConnections: Gauge;
  private readonly mHashrate: Gauge<'miner' | 'worker'>;
  private readonly mTip: Gauge;
  private readonly mShareTime: Histogram;
  /** The last share handling times in ms (a ring), for exact quantiles in snapshots. */
  private readonly shareTimes = new Float64Array(65536);
  private shareTimeCount = 0;

  constructor() {
    const registers = [this.registry];
    this.mAccepted = new Counter({
      name: 'stratum_shares_accepted_total',
      help: 'Shares accepted, by miner and worker',
      labelNames: ['miner', 'worker'],
      registers,
    });
    this.mRejected = new Counter({
      name: 'stratum_shares_rejected_total',
      help: 'Shares rejected, by SubmitShares.Error code',
      labelNames: ['reason'],
      registers,
    });
    this.mBlocks = new Counter({
      name: 'stratum_blocks_found_total',
      help: 'Blocks found and accepted by the template source',
      registers,
    });
    this.mConnections = new Gauge({
      name: 'stratum_connections',
      help: 'Open miner connections (SV2 and SV1)',
      registers,
    });
    this.mHashrate = new Gauge({
      name: 'stratum_worker_hashrate',
      help: 'Estimated hashrate (H/s) from accepted shares',
      labelNames: ['miner', 'worker'],
      registers,
    });
    this.mTip = new Gauge({ name: 'stratum_tip_height', help: 'Chain tip height', registers });
    this.mShareTime = new Histogram({
      name: 'stratum_share_processing_seconds',
      help: 'Time the pool spends on one submitted share (validate, account, answer)',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05],
      registers,
    });
  }

  worker(identity: string): WorkerStats {
    let w = this.workers.get(identity);
    if (w === undefined) {
      const dot = identity.indexOf('.');
      w = {
        miner: dot < 0 ? identity : identity.slice(0, dot),
        worker: dot < 0 ? '' : identity.slice(dot + 1),
        accepted: 0,
        rejected: {},
        blocks: 0,
        work: 0,
        hashrate: 0,
        firstShareAt: undefined,
        lastShareAt: undefined,
        channels: 0,
        channelsOpened: 0,
      };
      this.workers.set(identity, w);
    }
    return w;
  }

  accepted(identity: string, work: number, nowMs: number): void {
    const w = this.worker(identity);
    w.accepted++;
    w.work += work;
    w.firstShareAt ??= nowMs;
    w.lastShareAt = nowMs;
    const secs = (nowMs - w.firstShareAt) / 1000;
    w.hashrate = secs > 0 ? w.work / secs : 0;
    this.sharesAccepted++;
    this.mAccepted.inc({ miner: w.miner, worker: w.worker });
    this.mHashrate.set({ miner: w.miner, worker: w.worker }, w.hashrate);
  }

  rejected(identity: string, reason: string): void {
    const w = this.worker(identity);
    w.rejected[reason] = (w.rejected[reason] ?? 0) + 1;
    this.sharesRejected[reason] = (this.sharesRejected[reason] ?? 0) + 1;
    this.mRejected.inc({ reason });
  }

  block(identity: string, height: number, hash: string): void {
    this.worker(identity).blocks++;
    this.blocksFound++;
    this.mBlocks.inc();
    this.tip(height, hash);
  }

  tip(height: number, hash: string): void {
    this.tipHeight = height;
    this.tipHash = hash;
    this.mTip.set(height);
  }

  shareHandled(ms: number): void {
    this.shareTimes[this.shareTimeCount++ % this.shareTimes.length] = ms;
    this.mShareTime.observe(ms / 1000);
  }

  /** Quantile (0..1) of recent share handling times in ms. */
  shareTimeQuantile(q: number): number {
    const n = Math.min(this.shareTimeCount, this.shareTimes.length);
    if (n === 0) return 0;
    const sorted = this.shareTimes.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor(q * n))]!;
  }

  connectionOpened(): void {
    this.connections++;
    this.mConnections.set(this.connections);
  }

  connectionClosed(): void {
    this.connections--;
    this.mConnections.set(this.connections);
  }

  snapshot(): PoolSnapshot {
    const workers = [...this.workers.values()].map((w) => ({ ...w, rejected: { ...w.rejected } }));
    return {
      blocksFound: this.blocksFound,
      blocksRejected: this.blocksRejected,
      sharesAccepted: this.sharesAccepted,
      sharesRejected: { ...this.sharesRejected },
      miners: new Set(workers.filter((w) => w.channelsOpened > 0).map((w) => w.miner)).size,
      connections: this.connections,
      channels: this.channels,
      tipHeight: this.tipHeight,
      tipHash: this.tipHash,
      workers,
    };
  }
}
