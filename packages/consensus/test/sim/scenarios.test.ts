import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allByzantineBehaviours,
  loadSimScheme,
  runSimulation,
  type SimulationOptions,
  type SimulationResult,
} from '@keel/consensus/sim';

const scheme = await loadSimScheme('blst');

function run(o: Omit<SimulationOptions, 'scheme'>): SimulationResult {
  const r = runSimulation({ ...o, scheme });
  const repro = `runSimulation(${JSON.stringify(o)})`;
  assert.deepEqual(r.safetyViolations, [], `safety violated; reproduce: ${repro}`);
  return r;
}

function assertLive(r: SimulationResult, o: Omit<SimulationOptions, 'scheme'>): void {
  assert.equal(
    r.livenessFailure,
    null,
    `liveness failed; reproduce: runSimulation(${JSON.stringify(o)})`,
  );
  assert.ok(r.minCommittedHeight > 0, 'every honest live node committed something');
}

describe('f Byzantine of n = 3f+1', () => {
  for (const behaviour of allByzantineBehaviours) {
    it(`n=4, f=1 ${behaviour}: safe and live (ECVRF leaders)`, () => {
      const o = { seed: 11, validators: 4, byzantine: 1, behaviours: [behaviour], views: 30 };
      const r = run(o);
      assertLive(r, o);
      if (behaviour === 'equivocate' || behaviour === 'doubleVote') {
        assert.ok(r.evidence > 0, `${behaviour} must leave equivocation evidence`);
      }
      if (behaviour === 'invalidSignatures' || behaviour === 'forgeQC') {
        assert.ok(r.rejected > 0, `${behaviour} messages must be refused`);
      }
    });
  }

  it('n=7, f=2 mixed behaviours, lossy duplicating network', () => {
    const o = {
      seed: 5,
      validators: 7,
      byzantine: 2,
      behaviours: ['equivocate', 'forgeQC'] as const,
      views: 30,
      loss: 0.02,
      duplication: 0.05,
      election: 'round-robin' as const,
    };
    assertLive(run({ ...o, behaviours: [...o.behaviours] }), {
      ...o,
      behaviours: [...o.behaviours],
    });
  });
});

describe('named fault scenarios', () => {
  it('leader crash each view: the leader of every new view goes down, progress resumes', () => {
    const o = {
      seed: 3,
      validators: 7,
      views: 40,
      crashLeaders: { untilMs: 6000, downMs: 2000 },
      election: 'round-robin' as const,
    };
    const r = run(o);
    assertLive(r, o);
    assert.ok(
      r.firstCommitAtMs.some((t) => t > 8000),
      'commits continue after the crashes',
    );
  });

  it('partition 2+2 then heal: nothing commits while split, commits resume after GST', () => {
    const o = {
      seed: 7,
      validators: 4,
      views: 30,
      partitions: [
        {
          groups: [
            [0, 1],
            [2, 3],
          ],
          fromMs: 0,
          toMs: 5000,
        },
      ],
      gstMs: 5000,
    };
    const r = run(o);
    assertLive(r, o);
    const during = r.firstCommitAtMs.filter((t, h) => h > 0 && t !== undefined && t < 5000);
    assert.deepEqual(during, [], 'no quorum exists on either side');
    assert.ok(r.maxCommittedHeight >= 10);
  });

  it('one validator with 34% of stake offline: no progress, no safety loss; then back', () => {
    const o = {
      seed: 9,
      validators: 4,
      stakes: [34, 22, 22, 22],
      views: 40,
      crashes: [{ node: 0, atMs: 2000, restartAtMs: 12_000 }],
      election: 'round-robin' as const,
    };
    const r = run(o);
    // A commit decided just before the crash may still land a few hundred ms later.
    const stalled = r.firstCommitAtMs.filter((t) => t !== undefined && t > 3000 && t < 12_000);
    assert.deepEqual(stalled, [], '66% of stake cannot commit');
    assertLive(r, o);
    assert.ok(
      r.firstCommitAtMs.some((t) => t > 12_000),
      'progress after it returns',
    );
  });

  it('crash and restart from persisted SafetyState re-syncs the chain by block fetch', () => {
    const o = {
      seed: 21,
      validators: 4,
      views: 40,
      crashes: [{ node: 2, atMs: 500, restartAtMs: 3000 }],
    };
    const r = run(o);
    assertLive(r, o);
  });

  it('is deterministic: one seed, one outcome', () => {
    const o = { seed: 99, validators: 4, byzantine: 1, views: 20, loss: 0.05 };
    const a = run(o);
    const b = run(o);
    assert.deepEqual(
      { ...a, viewsToCommit: [...a.viewsToCommit] },
      { ...b, viewsToCommit: [...b.viewsToCommit] },
    );
  });
});
