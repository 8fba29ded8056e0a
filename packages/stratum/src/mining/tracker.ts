/**
 * The pool's job book-keeping for share validation: which jobs exist, which prev_hash each
 * belongs to (stale detection), and which shares were already seen (duplicates). Pure: the
 * caller feeds jobs, prev-hash changes and submissions, and gets verdicts with spec error codes.
 */
import { bytesToHex } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import type { MiningJob } from './job.ts';
import {
  BIP323_VERSION_MASK,
  type PrevHashState,
  type ShareChannel,
  ShareError,
  type ShareSubmission,
  type ShareVerdict,
  validateShare,
} from './share.ts';

export interface ShareTrackerOptions {
  /** Jobs remembered (older ones answer invalid-job-id). Default 32. */
  readonly maxJobs?: number;
  /** Distinct shares remembered per job for duplicate detection. Default 1 000 000. */
  readonly maxSharesPerJob?: number;
  readonly versionRollingMask?: number;
  readonly maxFutureSeconds?: number;
}

interface JobEntry {
  readonly job: MiningJob;
  /** Prev-hash epoch the job mines on; undefined while a future job waits for its SetNewPrevHash. */
  epoch: number | undefined;
  readonly seen: Set<string>;
  /** Standard-channel merkle roots by extranonce_prefix hex. */
  readonly roots: Map<string, Uint8Array>;
}

export interface SubmitContext {
  readonly channelId: number;
  readonly channel: ShareChannel;
  readonly share: ShareSubmission;
  readonly now: number;
  readonly poolTarget?: bigint;
}

export class ShareTracker {
  private readonly opts: Required<ShareTrackerOptions>;
  private readonly jobs = new Map<number, JobEntry>();
  private epoch = 0;
  private prev: PrevHashState | undefined;

  constructor(opts: ShareTrackerOptions = {}) {
    this.opts = {
      maxJobs: opts.maxJobs ?? 32,
      maxSharesPerJob: opts.maxSharesPerJob ?? 1_000_000,
      versionRollingMask: opts.versionRollingMask ?? BIP323_VERSION_MASK,
      maxFutureSeconds: opts.maxFutureSeconds ?? 7200,
    };
  }

  get prevHash(): PrevHashState | undefined {
    return this.prev;
  }

  job(jobId: number): MiningJob | undefined {
    return this.jobs.get(jobId)?.job;
  }

  /** Registers a job. Non-future jobs mine on the current prev_hash. */
  addJob(job: MiningJob): void {
    if (this.jobs.has(job.jobId)) {
      throw new StratumError(StratumErrorCode.MINING, `job id ${job.jobId} already used`);
    }
    if (!job.future && this.prev === undefined) {
      throw new StratumError(StratumErrorCode.MINING, 'a non-future job needs a prev_hash first');
    }
    this.jobs.set(job.jobId, {
      job,
      epoch: job.future ? undefined : this.epoch,
      seen: new Set(),
      roots: new Map(),
    });
    while (this.jobs.size > this.opts.maxJobs)
      this.jobs.delete(this.jobs.keys().next().value as number);
  }

  /** SetNewPrevHash: activates `jobId` (a future job) on the new tip; every older job is stale. */
  setPrevHash(jobId: number, state: PrevHashState): void {
    const e = this.jobs.get(jobId);
    if (e === undefined)
      throw new StratumError(StratumErrorCode.MINING, `SetNewPrevHash for unknown job ${jobId}`);
    this.epoch++;
    this.prev = state;
    e.epoch = this.epoch;
    // Seen-sets of stale jobs are no longer needed: every share for them is stale.
    for (const other of this.jobs.values())
      if (other !== e && other.epoch !== undefined) other.seen.clear();
  }

  /** Validates a submission: job lookup, staleness, duplicates, then the header hash. */
  submit(ctx: SubmitContext): ShareVerdict {
    const e = this.jobs.get(ctx.share.jobId);
    if (e === undefined || e.epoch === undefined || this.prev === undefined) {
      return {
        ok: false,
        error: ShareError.INVALID_JOB_ID,
        reason: `no active job ${ctx.share.jobId}`,
      };
    }
    if (e.epoch !== this.epoch) {
      return {
        ok: false,
        error: ShareError.STALE_SHARE,
        reason: `job ${ctx.share.jobId} is on an old prev_hash`,
      };
    }
    const s = ctx.share;
    const key = `${ctx.channelId}:${s.nonce}:${s.ntime}:${s.version}:${s.extranonce ? bytesToHex(s.extranonce) : ''}`;
    if (e.seen.has(key))
      return { ok: false, error: ShareError.DUPLICATE_SHARE, reason: 'share already submitted' };
    let merkleRoot: Uint8Array | undefined;
    if (ctx.channel.extranonceSize === 0 && s.extranonce === undefined) {
      const k = bytesToHex(ctx.channel.extranoncePrefix);
      merkleRoot = e.roots.get(k);
    }
    const verdict = validateShare({
      job: e.job,
      prevHash: this.prev,
      channel: ctx.channel,
      share: s,
      now: ctx.now,
      versionRollingMask: this.opts.versionRollingMask,
      maxFutureSeconds: this.opts.maxFutureSeconds,
      ...(ctx.poolTarget !== undefined ? { poolTarget: ctx.poolTarget } : {}),
      ...(merkleRoot ? { merkleRoot } : {}),
    });
    if (verdict.ok) {
      if (e.seen.size < this.opts.maxSharesPerJob) e.seen.add(key);
      if (ctx.channel.extranonceSize === 0 && merkleRoot === undefined && e.roots.size < 10_000) {
        e.roots.set(bytesToHex(ctx.channel.extranoncePrefix), verdict.merkleRoot);
      }
    }
    return verdict;
  }
}
