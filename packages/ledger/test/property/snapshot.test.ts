import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeelError, SeededRng } from '@keel/util';
import { decodeProof, exportSnapshot, importSnapshot, LedgerError } from '../../src/index.ts';
import { alice, BLOCK, carol, genesis, ledger, tx } from '../helpers.ts';

test('fuzz: mutated snapshots are rejected with a LedgerError or reproduce a valid root', () => {
  const r = ledger().applyBlock(
    genesis(),
    [tx(alice, 0, { kind: 'transfer', to: carol.address, amount: 9n })],
    BLOCK,
  );
  const chunks = exportSnapshot(r.state, 300);
  const rng = new SeededRng(3);
  let accepted = 0;
  for (let i = 0; i < 1500; i++) {
    const copy = chunks.map((c) => c.slice());
    const c = copy[rng.int(copy.length)]!;
    const mode = rng.int(3);
    if (mode === 0) c[rng.int(c.length)] = rng.int(256);
    const mutated =
      mode === 1 ? copy.map((x, j) => (j === 0 ? x.subarray(0, rng.int(x.length)) : x)) : copy;
    if (mode === 2) c.set(rng.bytes(4), Math.max(0, rng.int(c.length - 4)));
    try {
      const s = importSnapshot(mutated);
      // only a change the root does not cover (none exist) could be accepted
      assert.deepEqual(s.root(), r.stateRoot);
      accepted++;
    } catch (e) {
      assert.ok(e instanceof LedgerError, String(e));
    }
  }
  assert.ok(accepted < 1500, 'mutations are detected');
});

test('fuzz: proof decoding throws only KeelErrors', () => {
  const rng = new SeededRng(4);
  for (let i = 0; i < 3000; i++) {
    try {
      decodeProof(rng.bytes(rng.int(200)));
    } catch (e) {
      assert.ok(isKeelError(e), String(e));
    }
  }
});
