import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSimScheme, runSimulation } from '@keel/consensus/sim';
import { scenarioForSeed } from '../randomScenario.ts';

const scheme = await loadSimScheme('blst');

const fromEnv = process.env.KEEL_CONSENSUS_SEEDS;
const seeds = fromEnv
  ? fromEnv.split(',').map(Number)
  : Array.from({ length: 100 }, (_, i) => 1000 + i);

describe('random faults over many seeds', () => {
  it(`safety always, liveness after GST (${seeds.length} seeds)`, () => {
    const failures: string[] = [];
    for (const seed of seeds) {
      const o = scenarioForSeed(seed);
      const res = runSimulation({ ...o, scheme });
      const why = res.safetyViolations[0]?.detail ?? res.livenessFailure;
      if (why) {
        failures.push(
          `seed ${seed}: ${why}\n  reproduce: KEEL_CONSENSUS_SEEDS=${seed} node scripts/test.mjs consensus --kind property\n  scenario: ${JSON.stringify(o)}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });
});
