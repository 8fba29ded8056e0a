/**
 * Per-channel variable difficulty: steer the channel target so the miner submits about
 * `sharesPerMinute`. Pure: the caller passes the time of every share and of every check.
 * Each retarget uses the work actually done since the last one (shares × work per share at the
 * target they were mined at), so a target change mid-window is accounted for.
 */
import { MAX_TARGET, targetToWork, workToTarget } from './target.ts';

export interface VardiffOptions {
  /** Desired share rate. Default 10 per minute. */
  readonly sharesPerMinute?: number;
  /** Minimum seconds between retargets. Default 30. */
  readonly retargetSeconds?: number;
  /** Retarget early once this many shares arrived (fast miners at a too-easy target). Default 60. */
  readonly maxSharesBeforeRetarget?: number;
  /** Largest change factor per step (both ways). Default 4. */
  readonly maxStep?: number;
  /** Easiest target allowed (the channel's max_target). */
  readonly maxTarget?: bigint;
  /** Hardest target allowed. Default 1. */
  readonly minTarget?: bigint;
  /** Deviation below which the target is left alone. Default 0.2 (±20 %). */
  readonly tolerance?: number;
}

export class Vardiff {
  private readonly o: Required<VardiffOptions>;
  private t: bigint;
  private windowStart: number;
  private work = 0n;
  private shares = 0;
  private totalWork = 0n;
  private readonly start: number;
  private maxT: bigint;

  constructor(initialTarget: bigint, now: number, opts: VardiffOptions = {}) {
    this.o = {
      sharesPerMinute: opts.sharesPerMinute ?? 10,
      retargetSeconds: opts.retargetSeconds ?? 30,
      maxSharesBeforeRetarget: opts.maxSharesBeforeRetarget ?? 60,
      maxStep: opts.maxStep ?? 4,
      maxTarget: opts.maxTarget ?? MAX_TARGET,
      minTarget: opts.minTarget ?? 1n,
      tolerance: opts.tolerance ?? 0.2,
    };
    this.maxT = this.o.maxTarget;
    this.t = this.clamp(initialTarget);
    this.windowStart = now;
    this.start = now;
  }

  get target(): bigint {
    return this.t;
  }

  /** The easiest target allowed (the channel's current maximum_target). */
  get maxTarget(): bigint {
    return this.maxT;
  }

  /**
   * UpdateChannel (05 §5.3.7): a new maximum_target from the device bounds this and every later
   * retarget. Returns the new target when the current one had to be lowered (send SetTarget).
   */
  setMaxTarget(maxTarget: bigint): bigint | undefined {
    this.maxT = maxTarget < this.o.minTarget ? this.o.minTarget : maxTarget;
    if (this.t <= this.maxT) return undefined;
    this.t = this.maxT;
    return this.t;
  }

  /**
   * Records an accepted share. `minedAt` is the target its job carried (a job keeps the target
   * it was sent with, 05 §5.3.21); default the current target.
   */
  recordShare(minedAt: bigint = this.t): void {
    this.shares++;
    const w = targetToWork(minedAt);
    this.work += w;
    this.totalWork += w;
  }

  /** Hashrate over the current window (H/s); 0 before any share. */
  hashrate(now: number): number {
    const dt = now - this.windowStart;
    return dt > 0 ? Number(this.work) / dt : 0;
  }

  /** Hashrate over the channel's whole life. */
  lifetimeHashrate(now: number): number {
    const dt = now - this.start;
    return dt > 0 ? Number(this.totalWork) / dt : 0;
  }

  /**
   * Returns a new target when one is due (the caller sends SetTarget), else undefined.
   * With no shares for a whole window the target doubles in ease (bounded by maxStep).
   */
  update(now: number): bigint | undefined {
    const dt = now - this.windowStart;
    if (dt <= 0) return undefined;
    if (dt < this.o.retargetSeconds && this.shares < this.o.maxSharesBeforeRetarget)
      return undefined;
    const wanted = (this.o.sharesPerMinute * dt) / 60;
    const ratio = this.shares === 0 ? 1 / this.o.maxStep : this.shares / wanted;
    this.windowStart = now;
    this.work = 0n;
    this.shares = 0;
    if (Math.abs(ratio - 1) <= this.o.tolerance) return undefined;
    const step = Math.min(this.o.maxStep, Math.max(1 / this.o.maxStep, ratio));
    // More shares than wanted → more work per share → smaller target.
    const scaled = BigInt(Math.round(step * 1e6));
    const next = this.clamp(workToTarget((targetToWork(this.t) * scaled) / 1_000_000n || 1n));
    if (next === this.t) return undefined;
    this.t = next;
    return next;
  }

  private clamp(t: bigint): bigint {
    return t > this.maxT ? this.maxT : t < this.o.minTarget ? this.o.minTarget : t;
  }
}
