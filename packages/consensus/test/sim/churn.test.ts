import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSimScheme, runSimulation } from '@keel/consensus/sim';

const scheme = await loadSimScheme('blst');
const seeds = Number(process.env.KEEL_CHURN_SEEDS ?? 20);

describe('staking epochs with churn (validators join, leave, are slashed and rejoin)', () => {
  it(`safety, liveness, epoch progress and slashing over ${seeds} seeds (n=4, f=1)`, () => {
    const failures: string[] = [];
    let slashed = 0;
    let epochs = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const o = { seed, validators: 4, byzantine: 1, views: 40, churn: {} };
      const r = runSimulation({ ...o, scheme });
      const why = r.safetyViolations[0]?.detail ?? r.livenessFailure ?? r.slashingFailure;
      if (why)
        failures.push(`seed ${seed}: ${why}\n  reproduce: runSimulation(${JSON.stringify(o)})`);
      if ((r.epochsReached ?? 0) < 3) failures.push(`seed ${seed}: only ${r.epochsReached} epochs`);
      if ((r.churnEvents?.length ?? 0) === 0) failures.push(`seed ${seed}: no churn`);
      slashed += r.offencesSlashed ?? 0;
      epochs += r.epochsReached ?? 0;
    }
    assert.deepEqual(failures, []);
    assert.ok(slashed > 0, 'equivocators were slashed');
    assert.ok(epochs >= 3 * seeds);
  });
});
