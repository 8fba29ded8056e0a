import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { secp256k1Preference, vectorsDirOrSkip } from '@keel/test-utils';
import type { ScriptCheckJob } from '../../src/consensus/connectBlock.ts';
import { networks } from '../../src/consensus/params.ts';
import { runScriptChecks } from '../../src/consensus/scriptChecks.ts';
import { prepareBlock } from '../../src/consensus/validateBlock.ts';
import { decodeBlock } from '../../src/primitives/block.ts';
import type { Transaction } from '../../src/primitives/transaction.ts';
import { ScriptFlags } from '../../src/script/flags.ts';
import { type PrevoutEntry, prevoutView } from '../../src/suites/blocks.ts';
import { createScriptCheckPool } from '../../src/workers/pool.ts';

const pref = secp256k1Preference();

/** Jobs whose scripts need no signatures: OP_1 passes, OP_0 fails with EVAL_FALSE. */
function syntheticJobs(
  nTx: number,
  inputsPerTx: number,
  failAt: Array<[number, number]>,
): ScriptCheckJob[] {
  const jobs: ScriptCheckJob[] = [];
  for (let t = 1; t <= nTx; t++) {
    const tx: Transaction = {
      version: 1,
      inputs: Array.from({ length: inputsPerTx }, (_, i) => ({
        prevout: { txid: new Uint8Array(32).fill(t), vout: i },
        scriptSig: new Uint8Array(0),
        sequence: 0xffffffff,
        witness: [],
      })),
      outputs: [{ value: 1n, scriptPubKey: Uint8Array.of(0x51) }],
      locktime: 0,
    };
    const spentOutputs = tx.inputs.map((_, i) => ({
      value: 1n,
      scriptPubKey: Uint8Array.of(failAt.some(([ft, fi]) => ft === t && fi === i) ? 0x00 : 0x51),
    }));
    for (let i = 0; i < inputsPerTx; i++)
      jobs.push({ txIndex: t, inputIndex: i, tx, spentOutputs, flags: ScriptFlags.P2SH });
  }
  return jobs;
}

test('workers: a pool reports the same verdict and first failure as the single thread', async () => {
  const backend = await loadSecp256k1Backend(pref);
  const pool = await createScriptCheckPool({ workers: 2, backend: pref });
  try {
    assert.equal(pool.size, 2);
    const ok = syntheticJobs(50, 7, []);
    assert.deepEqual(await pool.run(ok), runScriptChecks(ok, backend));
    assert.deepEqual(await pool.run([]), { ok: true });
    // two failures far apart: the earlier one (block order) is reported by both paths
    const bad = syntheticJobs(50, 7, [
      [41, 3],
      [12, 5],
    ]);
    const single = runScriptChecks(bad, backend);
    assert.deepEqual(single, {
      ok: false,
      reason: 'mandatory-script-verify-flag-failed (EVAL_FALSE)',
      txIndex: 12,
      inputIndex: 5,
      detail: 'EVAL_FALSE',
    });
    assert.deepEqual(await pool.run(bad), single);
  } finally {
    await pool.close();
  }
});

test('workers: close is clean and idempotent; a closed pool refuses work', async () => {
  const pool = await createScriptCheckPool({ workers: 1, backend: pref });
  await pool.close();
  await pool.close();
  await assert.rejects(pool.run(syntheticJobs(1, 1, [])), { code: 'ERR_WORKER_POOL' });
  await assert.rejects(createScriptCheckPool({ workers: 0 }), { code: 'ERR_INVALID_ARGUMENT' });
});

test('workers: a real block (mainnet 277647) on 2 workers matches the single thread', async (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors folder absent');
  const raw = new Uint8Array(readFileSync(join(dir, 'blocks/mainnet-277647.raw')));
  const entries = JSON.parse(
    readFileSync(join(dir, 'blocks/mainnet-277647.prevouts.json'), 'utf8'),
  ) as PrevoutEntry[];
  const block = decodeBlock(raw);
  const prepared = prepareBlock(block, prevoutView(block, entries), {
    params: networks.main,
    height: 277647,
    scriptFlags: ScriptFlags.P2SH,
  });
  assert.ok(prepared.ok);
  assert.equal(prepared.scriptChecks.length, 732);
  const backend = await loadSecp256k1Backend(pref);
  const pool = await createScriptCheckPool({ workers: 2, backend: pref });
  try {
    assert.deepEqual(await pool.run(prepared.scriptChecks), { ok: true });
    // a wrong amount for one input breaks nothing in legacy sighashes, but a wrong script does
    const jobs = prepared.scriptChecks.map((j) => ({ ...j }));
    const victim = jobs[500]!;
    const spent = victim.spentOutputs.map((o) => ({ ...o }));
    spent[victim.inputIndex] = { value: 1n, scriptPubKey: Uint8Array.of(0x00) };
    for (const j of jobs) if (j.tx === victim.tx) j.spentOutputs = spent;
    const single = runScriptChecks(jobs, backend);
    assert.equal(single.ok, false);
    assert.deepEqual(await pool.run(jobs), single);
  } finally {
    await pool.close();
  }
});
