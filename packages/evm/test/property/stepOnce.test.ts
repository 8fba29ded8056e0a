import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKzgBackend } from '@keel/crypto/kzg';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import type { MemoryWorldState } from '../../src/state/memoryState.ts';
import { StepError, StepErrorCode } from '../../src/step/errors.ts';
import {
  createStepWitness,
  decodeStepWitness,
  encodeStepWitness,
  stepOnce,
  verifyStep,
} from '../../src/step/stepOnce.ts';
import { createTxStepper } from '../../src/step/stepper.ts';
import { commitmentOf, decodeStepState, encodeStepState } from '../../src/step/stepState.ts';
import { runStateCase, type StateTest } from '../../src/suites/ethState.ts';
import { runTx } from '../../src/vm/runTx.ts';

// The same deterministic ~200-case sample of GeneralStateTests as stepStateTests.test.ts. For
// each case a few pseudo-random steps (seeded per case) are taken statelessly: stepOnce on the
// encoded pre state and a recorded witness must give the commitment the stateful stepper has
// after that step; decode(encode) keeps the commitment; a witness without one of its nodes or
// codes is a WITNESS error, a wrong claimed post is `false`, a wrong pre a PRE_MISMATCH.
const SLOW =
  /stTimeConsuming|vmPerformance|CALLBlake2f|stQuadraticComplexity|stStaticCall\/static_Call50000/;
const WANT = 200;
const PER_CASE = 1;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** A small LCG: the picks are pseudo-random but the same on every run. */
function rng(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

test(
  'stateless stepOnce equals the stepper on random steps of the state-test sample',
  {
    timeout: 900_000,
  },
  async (t) => {
    const vectors = vectorsDirOrSkip();
    if (!vectors) {
      t.skip('vectors folder absent');
      return;
    }
    const kzg = await loadKzgBackend('auto');
    const all = files(join(vectors, 'ethereum-tests/GeneralStateTests')).filter(
      (f) => !SLOW.test(f),
    );
    const stride = Math.max(1, Math.floor(all.length / WANT));
    let cases = 0;
    let checked = 0;
    let tampered = 0;
    const failures: string[] = [];
    for (let i = 0; i < all.length && cases < WANT; i += stride) {
      const tests = JSON.parse(readFileSync(all[i]!, 'utf8')) as Record<string, StateTest>;
      const [name, st] = Object.entries(tests)[0]!;
      const post = st.post.Cancun?.[0];
      if (post === undefined) continue;
      cases++;
      const rand = rng(cases);
      const diff = runStateCase(st, post, kzg, (state, tx, sender, env, opts) => {
        const ref = runTx(state.copy(), tx, sender, env, opts);
        const counter = createTxStepper(state.copy(), tx, sender, env, opts);
        counter.runToEnd();
        const total = counter.steps;
        const picks = new Set<number>([0, total - 1]);
        while (picks.size < Math.min(PER_CASE + 2, total)) picks.add(Math.floor(rand() * total));
        const preTx = state.copy() as MemoryWorldState;
        const m = createTxStepper(state, tx, sender, env, opts, { commitments: true });
        while (m.steps < total) {
          if (picks.has(m.steps)) {
            const pre = m.encode();
            const preC = m.commitment();
            assert.equal(bytesToHex(commitmentOf(decodeStepState(pre))), bytesToHex(preC));
            assert.deepEqual(encodeStepState(decodeStepState(pre)), pre, 'decode ∘ encode');
            const { witness, post: recorded } = createStepWitness(m, preTx, { kzg });
            const w = decodeStepWitness(encodeStepWitness(witness));
            const got = stepOnce(pre, w, { kzg });
            m.step();
            const want = m.commitment();
            assert.equal(bytesToHex(got), bytesToHex(want), `${name} step ${m.steps - 1}`);
            assert.equal(bytesToHex(recorded), bytesToHex(want));
            assert.equal(verifyStep(preC, pre, w, want, { kzg }), true);
            assert.equal(verifyStep(preC, pre, w, preC, { kzg }), false);
            checked++;
            if (w.nodes.length > 0 || w.codes.length > 0) {
              const cut =
                w.nodes.length > 0
                  ? { ...w, nodes: w.nodes.slice(1) }
                  : { ...w, codes: w.codes.slice(1) };
              assert.throws(
                () => stepOnce(pre, cut, { kzg }),
                (e: unknown) => e instanceof StepError && e.code === StepErrorCode.WITNESS,
                `${name} step ${m.steps - 1}: incomplete witness`,
              );
              tampered++;
            }
          } else m.step();
        }
        const res = m.runToEnd();
        assert.deepEqual(res, ref, `${name}: stepped result differs from runTx`);
        return res;
      });
      if (diff !== null) failures.push(`${all[i]}/${name}: ${diff}`);
    }
    t.diagnostic(`${cases} cases, ${checked} stateless steps, ${tampered} incomplete witnesses`);
    assert.ok(cases >= WANT * 0.9, `only ${cases} cases sampled`);
    assert.ok(checked >= cases * 2, `only ${checked} steps checked`);
    assert.deepEqual(failures, []);
  },
);
