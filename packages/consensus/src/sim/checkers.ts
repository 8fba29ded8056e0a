export interface SafetyViolation {
  readonly kind: 'conflicting-commit' | 'honest-accused';
  readonly detail: string;
}

/** No two different blocks are ever committed at one height by honest nodes. */
export class SafetyChecker {
  readonly violations: SafetyViolation[] = [];
  readonly firstCommitAtMs: number[] = [];
  private readonly byHeight = new Map<number, { hash: string; node: number }>();

  onCommit(node: number, height: number, hash: string, now: number): void {
    const seen = this.byHeight.get(height);
    if (!seen) {
      this.byHeight.set(height, { hash, node });
      this.firstCommitAtMs[height] = now;
    } else if (seen.hash !== hash) {
      this.violations.push({
        kind: 'conflicting-commit',
        detail: `height ${height}: node ${seen.node} committed ${seen.hash.slice(0, 16)}…, node ${node} committed ${hash.slice(0, 16)}…`,
      });
    }
  }
}

/**
 * After stabilization (GST, healed partitions, restarted nodes), every honest node must commit
 * at least once every `bound` views, counted in the highest view any honest node has reached.
 */
export class LivenessChecker {
  readonly samples: number[] = [];
  private stableFrom: number | null = null;

  get stableFromView(): number | null {
    return this.stableFrom;
  }
  private readonly last = new Map<number, number>();
  private failure: string | null = null;

  constructor(
    private readonly honest: readonly number[],
    private readonly bound: number,
  ) {}

  stabilize(globalView: number): void {
    this.stableFrom = globalView;
    for (const i of this.honest) this.last.set(i, globalView);
  }

  onCommit(node: number, globalView: number): void {
    const prev = this.last.get(node);
    this.last.set(node, globalView);
    if (this.stableFrom === null || prev === undefined || globalView === prev) return;
    const gap = globalView - prev;
    this.samples.push(gap);
    if (gap > this.bound && !this.failure) {
      this.failure = `node ${node} went ${gap} views without a commit (bound ${this.bound}) before view ${globalView}`;
    }
  }

  finish(globalView: number, live: readonly number[]): string | null {
    if (this.failure) return this.failure;
    if (this.stableFrom === null) return 'never stabilized (scenario ended before GST)';
    for (const i of live) {
      const gap = globalView - (this.last.get(i) ?? this.stableFrom);
      if (gap > this.bound)
        return `node ${i} made no commit in the last ${gap} views (bound ${this.bound})`;
    }
    return null;
  }
}

/**
 * A default liveness bound in views. A block commits once three views in a row have honest
 * leaders (propose; collect its QC and propose; collect the child's QC, which commits it).
 * Round-robin: every cycle of n leaders has such a run when n >= 3f+1 (2f+1 honest leaders
 * spread over at most f gaps put three in one gap), so 2n + 5 views suffice with slack. ECVRF
 * leaders are random: the bound is the window after which missing such a run has probability
 * below 1e-7 when each leader is honest with probability `honestFraction`.
 */
export function defaultLivenessBound(
  election: 'ecvrf' | 'round-robin',
  validators: number,
  honestFraction: number,
): number {
  if (election === 'round-robin') return 2 * validators + 5;
  let mass = [1, 0, 0]; // probability of no run yet, by current run length
  let views = 0;
  while (mass[0]! + mass[1]! + mass[2]! > 1e-7 && views < 10_000) {
    const total = mass[0]! + mass[1]! + mass[2]!;
    mass = [total * (1 - honestFraction), mass[0]! * honestFraction, mass[1]! * honestFraction];
    views++;
  }
  return views + 5;
}
