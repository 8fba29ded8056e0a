import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { SeededRng } from '@keel/util';
import fc from 'fast-check';
import {
  decodeProof,
  encodeProof,
  LedgerState,
  type StateProof,
  verifyProof,
} from '../../src/index.ts';

const H = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const bit = (k: Uint8Array, i: number) => (k[i >> 3]! >> (7 - (i & 7))) & 1;

/** The tree root straight from its definition (README "State commitment"), recursively. */
function referenceRoot(entries: Map<string, Uint8Array>): Uint8Array {
  const leaves = [...entries].map(([k, v]) => {
    const key = H(Buffer.from(k, 'hex'));
    return { key, hash: H(Uint8Array.of(0), key, H(v)) };
  });
  const rec = (set: typeof leaves, depth: number): Uint8Array => {
    if (set.length === 0) return new Uint8Array(32);
    if (set.length === 1) return set[0]!.hash;
    const l = set.filter((x) => bit(x.key, depth) === 0);
    const r = set.filter((x) => bit(x.key, depth) === 1);
    return H(Uint8Array.of(1), rec(l, depth + 1), rec(r, depth + 1));
  };
  return rec(leaves, 0);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sparse Merkle tree', () => {
  test('empty and single-leaf roots', () => {
    assert.deepEqual(LedgerState.empty().root(), new Uint8Array(32));
    const k = Uint8Array.of(1, 2, 3);
    const v = Uint8Array.of(9);
    const s = LedgerState.empty().withWrites([{ key: k, value: v }]);
    assert.deepEqual(s.root(), H(Uint8Array.of(0), H(k), H(v)));
    assert.deepEqual(s.get(k), v);
    assert.equal(s.get(Uint8Array.of(1)), undefined);
  });

  test('root equals the reference definition under random inserts, updates and deletes', () => {
    const rng = new SeededRng(11);
    const model = new Map<string, Uint8Array>();
    let s = LedgerState.empty();
    for (let round = 0; round < 60; round++) {
      const writes = [];
      for (let i = 0; i < 20; i++) {
        const key = rng.bytes(1 + rng.int(3)); // small key space: many updates and deletes
        const value = rng.chance(0.3) ? undefined : rng.bytes(1 + rng.int(40));
        writes.push({ key, value });
        if (value) model.set(hex(key), value);
        else model.delete(hex(key));
      }
      s = s.withWrites(writes);
      assert.deepEqual(s.root(), referenceRoot(model), `round ${round}`);
    }
  });

  test('root does not depend on write order; old versions are unchanged', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 8 }), {
          minLength: 1,
          maxLength: 40,
          selector: (b) => hex(b),
        }),
        (keys) => {
          const writes = keys.map((k, i) => ({ key: k, value: Uint8Array.of(i) }));
          const a = LedgerState.empty().withWrites(writes);
          const b = LedgerState.empty().withWrites([...writes].reverse());
          assert.deepEqual(a.root(), b.root());
          const before = a.root();
          const c = a.withWrites([{ key: keys[0]!, value: undefined }]);
          assert.deepEqual(a.root(), before);
          assert.deepEqual(
            c.root(),
            LedgerState.empty().withWrites(writes.slice(1)).root(),
            'delete restores the root of the set without the key',
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test('inclusion and non-inclusion proofs verify; tampered ones do not', () => {
    const rng = new SeededRng(5);
    const writes = Array.from({ length: 300 }, () => ({
      key: rng.bytes(20),
      value: rng.bytes(10),
    }));
    const s = LedgerState.empty().withWrites(writes);
    const root = s.root();
    for (const w of writes.slice(0, 50)) {
      const p = s.prove(w.key);
      assert.ok(verifyProof(root, H(w.key), w.value, p));
      assert.ok(verifyProof(root, H(w.key), w.value, decodeProof(encodeProof(p))));
      assert.ok(!verifyProof(root, H(w.key), Uint8Array.of(0), p), 'wrong value');
      assert.ok(!verifyProof(root, H(w.key), undefined, p), 'present key proven absent');
      if (p.siblings.length) {
        const sib = p.siblings.map((x) => x.slice());
        sib[0]![0]! ^= 1;
        assert.ok(!verifyProof(root, H(w.key), w.value, { ...p, siblings: sib }));
      }
    }
    let emptyEnds = 0;
    let leafEnds = 0;
    for (let i = 0; i < 100; i++) {
      const k = rng.bytes(21);
      const p: StateProof = s.prove(k);
      if (p.leaf) leafEnds++;
      else emptyEnds++;
      assert.ok(verifyProof(root, H(k), undefined, p), 'absent key proven absent');
      assert.ok(!verifyProof(root, H(k), Uint8Array.of(1), p), 'absent key proven present');
    }
    assert.ok(emptyEnds > 0 && leafEnds > 0, 'both kinds of non-inclusion proof exercised');
    // a leaf that is not on the key's path proves nothing
    const other = s.prove(writes[0]!.key);
    const k = rng.bytes(21);
    const mine = s.prove(k);
    if (mine.siblings.length > 0 && other.leaf)
      assert.ok(!verifyProof(root, H(k), undefined, { siblings: mine.siblings, leaf: other.leaf }));
  });

  test('proof decoder is bounded', () => {
    assert.throws(() => decodeProof(Uint8Array.of(0xff, 0xff)), /65535 siblings/);
    assert.throws(() => decodeProof(Uint8Array.of(1, 0)), /out of bounds|needs|bytes/i);
    assert.throws(() => decodeProof(Uint8Array.of(0, 0, 2)), /flag/);
    assert.throws(() => decodeProof(Uint8Array.of(0, 0, 0, 0)), /trailing/);
  });
});
