/**
 * Turns the template source's NewTemplate / SetNewPrevHash stream into mining jobs (sv2-spec 05
 * §5.1): one MiningJob per template with the pool's payout output and a fixed extranonce space,
 * registered in a ShareTracker for stale/duplicate detection and share validation.
 */
import {
  createMiningJob,
  type MiningJob,
  type NewTemplate,
  type PrevHashState,
  type SetNewPrevHash,
  ShareTracker,
  u256ToTarget,
} from '@keel/stratum';
import { concatBytes, type Logger } from '@keel/util';
import type { AuxContext } from '../merge/coordinator.ts';

/** Total extranonce bytes in every job: extranonce_prefix (pool) + extranonce (miner). */
export const EXTRANONCE_LENGTH = 16;
/** Extended channels: the pool's part; the miner rolls the rest. */
export const EXTENDED_PREFIX_LENGTH = 8;

export interface JobEvents {
  /** A job to announce: `future` jobs wait for a SetNewPrevHash, others are live at once. */
  onJob(job: MiningJob): void;
  onPrevHash(job: MiningJob, state: PrevHashState): void;
}

export class JobManager {
  readonly tracker = new ShareTracker({ maxJobs: 64 });
  private nextJobId = 1;
  private readonly byTemplate = new Map<bigint, MiningJob>();
  /** The newest job that is live on the current prev hash. */
  active: MiningJob | undefined;
  private readonly auxByJob = new Map<number, AuxContext>();
  private templates = new Map<bigint, NewTemplate>();
  private liveTemplate: NewTemplate | undefined;

  constructor(
    public payoutScript: Uint8Array,
    private readonly events: JobEvents,
    private readonly log: Logger,
    /** Merge mining: the aux work whose commitment goes into each new job's coinbase. */
    private readonly aux?: () => AuxContext | undefined,
    /** Bytes between coinbase prefix and suffix: pool prefix + miner extranonce. */
    private readonly extranonceLength = EXTRANONCE_LENGTH,
  ) {}

  /** A fresh pool-wide job id (custom jobs share the id space with template jobs). */
  allocateJobId(): number {
    return this.nextJobId++;
  }

  /** The aux work job `jobId` commits to. */
  auxFor(jobId: number): AuxContext | undefined {
    return this.auxByJob.get(jobId);
  }

  /** Re-issues the live template as a fresh job (the aux work changed). */
  refresh(): void {
    const t = this.liveTemplate;
    if (t !== undefined && this.tracker.prevHash !== undefined) {
      this.onNewTemplate({ ...t, futureTemplate: false });
    }
  }

  onNewTemplate(t: NewTemplate): void {
    let job: MiningJob;
    const ctx = this.aux?.();
    try {
      job = createMiningJob({
        jobId: this.nextJobId++,
        template: t,
        // Nothing left to pay (a proxy re-serving an upstream job whose outputs are all in the
        // template): no zero-value output of our own.
        poolOutputs:
          t.coinbaseTxValueRemaining > 0n
            ? [{ value: t.coinbaseTxValueRemaining, scriptPubKey: this.payoutScript }]
            : [],
        extranonceLength: this.extranonceLength,
        ...(ctx ? { scriptSigExtra: concatBytes(ctx.tree.commitment) } : {}),
      });
    } catch (e) {
      this.log.error(
        { err: (e as Error).message, templateId: String(t.templateId) },
        'bad template',
      );
      return;
    }
    if (!t.futureTemplate && this.tracker.prevHash === undefined) return;
    this.tracker.addJob(job);
    this.byTemplate.set(t.templateId, job);
    this.templates.set(t.templateId, t);
    if (this.byTemplate.size > 64) {
      const oldest = this.byTemplate.keys().next().value!;
      this.byTemplate.delete(oldest);
      this.templates.delete(oldest);
    }
    if (ctx) {
      this.auxByJob.set(job.jobId, ctx);
      if (this.auxByJob.size > 128) this.auxByJob.delete(this.auxByJob.keys().next().value!);
    }
    if (!t.futureTemplate) {
      this.active = job;
      this.liveTemplate = t;
    }
    this.events.onJob(job);
  }

  onSetNewPrevHash(p: SetNewPrevHash): void {
    const job = this.byTemplate.get(p.templateId);
    if (job === undefined) {
      this.log.warn({ templateId: String(p.templateId) }, 'SetNewPrevHash for unknown template');
      return;
    }
    const state: PrevHashState = {
      prevHash: p.prevHash,
      nbits: p.nBits,
      minNtime: p.headerTimestamp,
      networkTarget: u256ToTarget(p.target),
    };
    this.tracker.setPrevHash(job.jobId, state);
    this.active = job;
    this.liveTemplate = this.templates.get(p.templateId);
    this.events.onPrevHash(job, state);
  }
}
