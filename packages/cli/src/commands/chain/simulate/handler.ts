import { loadSimScheme, runSeedSweep } from '@keel/consensus/sim';
import type { SimulateOptions } from './options.ts';

/** The exact command line that replays one seed with the same settings. */
export function reproduceCommand(o: SimulateOptions, seed: number): string {
  const extra = [
    o.election !== 'ecvrf' ? ` --election ${o.election}` : '',
    o.backend !== 'blst' ? ` --backend ${o.backend}` : '',
    o.loss > 0 ? ` --loss ${o.loss}` : '',
    o.duplication > 0 ? ` --duplication ${o.duplication}` : '',
    o.churn ? ' --churn' : '',
  ].join('');
  return (
    `npm run keel -- chain simulate --validators ${o.validators} --byzantine ${o.byzantine} ` +
    `--views ${o.views} --seeds 1 --seed-start ${seed}${extra}`
  );
}

export async function simulateHandler(o: SimulateOptions): Promise<number> {
  const scheme = await loadSimScheme(o.backend);
  const started = performance.now();
  let done = 0;
  const report = runSeedSweep({
    validators: o.validators,
    byzantine: o.byzantine,
    views: o.views,
    seedStart: o.seedStart,
    seeds: o.seeds,
    election: o.election,
    loss: o.loss,
    duplication: o.duplication,
    ...(o.churn ? { churn: {} } : {}),
    scheme,
    onResult: (r) => {
      done++;
      const bad = r.safetyViolations.length > 0 || r.livenessFailure || r.slashingFailure;
      if (bad) {
        process.stderr.write(
          `seed ${r.seed}: ${r.safetyViolations[0]?.detail ?? r.livenessFailure ?? r.slashingFailure}\n` +
            `  reproduce: ${reproduceCommand(o, r.seed)}\n`,
        );
      } else if (!o.json && process.stderr.isTTY) {
        process.stderr.write(`\r${done}/${o.seeds} seeds`);
      }
    },
  });
  if (!o.json && process.stderr.isTTY) process.stderr.write('\n');
  const summary = {
    seeds: report.seeds,
    safetyViolations: report.safetyViolations,
    livenessFailures: report.livenessFailures,
    medianViewsToCommit: report.medianViewsToCommit,
    p99ViewsToCommit: report.p99ViewsToCommit,
    messagesPerView: report.messagesPerView,
    ...(o.churn
      ? {
          slashingFailures: report.slashingFailures,
          maxEpochReached: report.maxEpochReached,
          offencesDetected: report.offencesDetected,
          offencesSlashed: report.offencesSlashed,
        }
      : {}),
    failingSeeds: report.failingSeeds.map((f) => ({
      ...f,
      reproduce: reproduceCommand(o, f.seed),
    })),
    wallMs: Math.round(performance.now() - started),
  };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    for (const [k, v] of Object.entries(summary)) {
      if (k !== 'failingSeeds') process.stdout.write(`${k.padEnd(20)} ${v}\n`);
    }
  }
  return report.safetyViolations > 0 ||
    report.livenessFailures > 0 ||
    (report.slashingFailures ?? 0) > 0
    ? 1
    : 0;
}
