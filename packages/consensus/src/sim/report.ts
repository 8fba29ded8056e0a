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
  /** Churn runs: seeds whose slashing checker failed, epochs and offences over all seeds. */
  readonly slashingFailures?: number;
  readonly maxEpochReached?: number;
  readonly offencesDetected?: number;
  readonly offencesSlashed?: number;
}

/** Runs `seeds` consecutive seeds and summarizes them. */
export function runSeedSweep(o: SeedSweepOptions): SweepReport {
  const gaps: number[] = [];
  let safety = 0;
  let liveness = 0;
  let messages = 0;
  let views = 0;
  const failing: { seed: number; reason: string }[] = [];
  let slashing = 0;
  let maxEpoch = 0;
  let detected = 0;
  let slashed = 0;
  for (let k = 0; k < o.seeds; k++) {
    const seed = o.seedStart + k;
    const r = runSimulation({ ...o, seed });
    o.onResult?.(r);
    safety += r.safetyViolations.length;
    if (r.livenessFailure) liveness++;
    if (r.slashingFailure) slashing++;
    maxEpoch = Math.max(maxEpoch, r.epochsReached ?? 0);
    detected += r.offencesDetected ?? 0;
    slashed += r.offencesSlashed ?? 0;
    if (r.safetyViolations.length > 0 || r.livenessFailure || r.slashingFailure) {
      failing.push({
        seed,
        reason: r.safetyViolations[0]?.detail ?? r.livenessFailure ?? r.slashingFailure ?? '',
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
    ...(o.churn
      ? {
          slashingFailures: slashing,
          maxEpochReached: maxEpoch,
          offencesDetected: detected,
          offencesSlashed: slashed,
        }
      : {}),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
