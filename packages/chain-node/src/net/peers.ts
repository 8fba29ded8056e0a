import type { PeerRecord } from '../storage/store.ts';

export interface PeerManagerOptions {
  /** Requests per minute per peer (token bucket refill rate and burst). */
  readonly requestsPerMinute: number;
  /** A peer whose score falls below this is banned. */
  readonly banThreshold: number;
  readonly banDurationMs: number;
  /** Gossiped transactions accepted per second per peer (token bucket, burst = 1 s worth). */
  readonly txsPerSecond: number;
  /** Stake a validator needs to be treated as one (authenticated by its staked BLS key). */
  readonly validatorStakeThreshold: number;
}

export const defaultPeerManagerOptions: PeerManagerOptions = {
  requestsPerMinute: 100,
  banThreshold: -50,
  banDurationMs: 10 * 60_000,
  validatorStakeThreshold: 1000,
  txsPerSecond: 5000,
};

/** Score changes (the score is clamped to −100..+100). */
export const Penalty = {
  byzantineEvidence: -20,
  invalidMessage: -10,
  oversizedMessage: -10,
  wrongGenesis: -100,
  rejectedConsensus: -5,
  rateLimited: -2,
  goodMessage: 1,
} as const;

export interface PeerInfo {
  readonly id: string;
  score: number;
  bannedUntil: number;
  validator: number | null;
  connected: boolean;
  address: string | null;
  height: number;
  latencyMs: number | null;
  tokens: number;
  lastRefill: number;
  txTokens: number;
  txRefill: number;
}

/**
 * Peer bookkeeping: reputation (−100..+100; below the ban threshold → banned until expiry),
 * a token bucket per peer for requests, validator identity from the handshake. Scores and
 * bans survive restarts through `load`/`records`.
 */
export class PeerManager {
  readonly opts: PeerManagerOptions;
  private readonly peers = new Map<string, PeerInfo>();
  onBan: (id: string) => void = () => {};
  onRateLimited: (id: string) => void = () => {};

  constructor(opts: Partial<PeerManagerOptions> = {}) {
    this.opts = { ...defaultPeerManagerOptions, ...opts };
  }

  load(records: ReadonlyMap<string, PeerRecord>): void {
    for (const [id, r] of records) {
      const p = this.get(id, 0);
      p.score = r.score;
      p.bannedUntil = r.bannedUntil;
    }
  }

  records(now: number): [string, PeerRecord][] {
    return [...this.peers.values()].map((p) => [
      p.id,
      { score: p.score, bannedUntil: p.bannedUntil, updatedAt: now },
    ]);
  }

  get(id: string, now: number): PeerInfo {
    let p = this.peers.get(id);
    if (!p) {
      p = {
        id,
        score: 0,
        bannedUntil: 0,
        validator: null,
        connected: false,
        address: null,
        height: 0,
        latencyMs: null,
        tokens: this.opts.requestsPerMinute,
        lastRefill: now,
        txTokens: this.opts.txsPerSecond,
        txRefill: now,
      };
      this.peers.set(id, p);
    }
    return p;
  }

  all(): PeerInfo[] {
    return [...this.peers.values()];
  }

  isBanned(id: string, now: number): boolean {
    const p = this.peers.get(id);
    return !!p && p.bannedUntil > now;
  }

  /** Applies a score change; bans (and reports through `onBan`) when it crosses the threshold. */
  adjust(id: string, delta: number, now: number): void {
    const p = this.get(id, now);
    p.score = Math.max(-100, Math.min(100, p.score + delta));
    if (p.score < this.opts.banThreshold && p.bannedUntil <= now) {
      p.bannedUntil = now + this.opts.banDurationMs;
      this.onBan(id);
    }
  }

  /** Takes one request token; false (and a small penalty) when the bucket is empty. */
  allowRequest(id: string, now: number): boolean {
    const p = this.get(id, now);
    const rate = this.opts.requestsPerMinute / 60_000;
    p.tokens = Math.min(this.opts.requestsPerMinute, p.tokens + (now - p.lastRefill) * rate);
    p.lastRefill = now;
    if (p.tokens >= 1) {
      p.tokens -= 1;
      return true;
    }
    this.adjust(id, Penalty.rateLimited, now);
    this.onRateLimited(id);
    return false;
  }

  /** Takes one gossiped-transaction token; over the rate the transaction is dropped. */
  allowTx(id: string, now: number): boolean {
    const p = this.get(id, now);
    const rate = this.opts.txsPerSecond / 1000;
    p.txTokens = Math.min(this.opts.txsPerSecond, p.txTokens + (now - p.txRefill) * rate);
    p.txRefill = now;
    if (p.txTokens < 1) return false;
    p.txTokens -= 1;
    return true;
  }

  /** Validator peer ids by validator index (authenticated by the handshake). */
  validatorPeer(index: number): string | null {
    for (const p of this.peers.values()) if (p.validator === index && p.connected) return p.id;
    return null;
  }
}
