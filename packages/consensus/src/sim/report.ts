import type { SimulationOptions, SimulationResult } from './simulator.ts';
import { runSimulation } from './simulator.ts';

export interface SeedSweepOptions extends Omit<SimulationOptions, 'seed'> {
  readonly seedStart: number;
  readonly seeds: number;
  /** Called after every seed (progress, early printing of failures). */
  readonly onResult?: (r: SimulationResult) => void;
}

export interface SweepReport {
  readonly seeds: number;
  readonly safetyViolations: number;
  readonly livenessFailures: number;
  readonly medianViewsToCommit: number;
  readonly p99ViewsToCommit: number;
  readonly messagesPerView: number;
  readonly failingSeeds: readonly { seed: number; reason: string }[];
}

/** Runs `seeds` consecutive seeds and summarizes them. */
export function runSeedSweep(o: SeedSweepOptions): SweepReport {
  const gaps: number[] = [];
  let safety = 0;
  let liveness = 0;
  let messages = 0;
  let views = 0;
  const failing: { seed: number; reason: string }[] = [];
  for (let k = 0; k < o.seeds; k++) {
    const seed = o.seedStart + k;
    const r = runSimulation({ ...o, seed });
    o.onResult?.(r);
    safety += r.safetyViolations.length;
    if (r.livenessFailure) liveness++;
    if (r.safetyViolations.length > 0 || r.livenessFailure) {
      failing.push({
        seed,
        reason: r.safetyViolations[0]?.detail ?? r.livenessFailure ?? '',
      });
    }
    for (const g of r.viewsToCommit) gaps.push(g);
    messages += r.messages;
    views += r.viewsReached;
  }
  gaps.sort((a, b) => a - b);
  return {
    seeds: o.seeds,
    safetyViolations: safety,
    livenessFailures: liveness,
    medianViewsToCommit: quantile(gaps, 0.5),
    p99ViewsToCommit: quantile(gaps, 0.99),
    messagesPerView: views > 0 ? Math.round((messages / views) * 10) / 10 : 0,
    failingSeeds: failing,
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
