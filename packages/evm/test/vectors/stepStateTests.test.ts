import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKzgBackend } from '@keel/crypto/kzg';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { createTxStepper } from '../../src/step/stepper.ts';
import { runStateCase, type StateTest } from '../../src/suites/ethState.ts';
import { runTx } from '../../src/vm/runTx.ts';

// A deterministic sample (~200 cases) of ethereum/tests GeneralStateTests run through the step
// machine one instruction at a time: the post-state root and logs hash must be the vectors'
// (expected values from outside), and the result must equal runTx's on a copy of the pre state.
const SLOW =
  /stTimeConsuming|vmPerformance|CALLBlake2f|stQuadraticComplexity|stStaticCall\/static_Call50000/;
const WANT = 200;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

test(
  'step machine reproduces a sample of ethereum/tests state tests',
  { timeout: 600_000 },
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
    let steps = 0;
    const failures: string[] = [];
    for (let i = 0; i < all.length && cases < WANT; i += stride) {
      const tests = JSON.parse(readFileSync(all[i]!, 'utf8')) as Record<string, StateTest>;
      const [name, st] = Object.entries(tests)[0]!;
      const post = st.post.Cancun?.[0];
      if (post === undefined) continue;
      cases++;
      const diff = runStateCase(st, post, kzg, (state, tx, sender, env, opts) => {
        const ref = runTx(state.copy(), tx, sender, env, opts);
        const stepper = createTxStepper(state, tx, sender, env, opts);
        const res = stepper.runToEnd();
        steps += stepper.steps;
        assert.deepEqual(res, ref, `${name}: stepped result differs from runTx`);
        return res;
      });
      if (diff !== null) failures.push(`${all[i]}/${name}: ${diff}`);
    }
    t.diagnostic(`${cases} cases, ${steps} steps`);
    assert.ok(cases >= WANT * 0.9, `only ${cases} cases sampled`);
    assert.deepEqual(failures, []);
  },
);
