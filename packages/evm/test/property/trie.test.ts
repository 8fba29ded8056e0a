import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import fc from 'fast-check';
import { verifyProof } from '../../src/trie/proof.ts';
import { MerklePatriciaTrie } from '../../src/trie/trie.ts';
import { EMPTY_TRIE_ROOT, trieRoot } from '../../src/trie/trieRoot.ts';

// Short keys over a small alphabet, so shared prefixes, prefix keys and collisions are common.
const key = fc.uint8Array({ minLength: 0, maxLength: 4 }).map((k) => k.map((b) => b & 0x13));
const value = fc.uint8Array({ minLength: 1, maxLength: 40 });
const entries = fc.uniqueArray(fc.tuple(key, value), {
  maxLength: 40,
  selector: ([k]) => bytesToHex(k),
});

test('root is independent of insertion order and equals trieRoot', () => {
  fc.assert(
    fc.property(entries, fc.nat(), (es, seed) => {
      const a = new MerklePatriciaTrie();
      for (const [k, v] of es) a.put(k, v);
      const shuffled = [...es].sort(
        (x, y) => ((x[1][0]! * 31 + seed) % 17) - ((y[1][0]! * 31 + seed) % 17),
      );
      const b = new MerklePatriciaTrie();
      for (const [k, v] of shuffled) b.put(k, v);
      assert.deepEqual(a.root(), b.root());
      assert.deepEqual(trieRoot(shuffled), a.root());
    }),
    { numRuns: 300 },
  );
});

test('put then del of extra keys returns to the same root; get sees every entry', () => {
  fc.assert(
    fc.property(entries, entries, (base, extra) => {
      const t = new MerklePatriciaTrie();
      for (const [k, v] of base) t.put(k, v);
      const before = t.root();
      const baseKeys = new Set(base.map(([k]) => bytesToHex(k)));
      const added = extra.filter(([k]) => !baseKeys.has(bytesToHex(k)));
      for (const [k, v] of added) t.put(k, v);
      for (const [k, v] of added) assert.deepEqual(t.get(k), v);
      for (const [k] of added) t.del(k);
      assert.deepEqual(t.root(), before);
      for (const [k, v] of base) assert.deepEqual(t.get(k), v);
      for (const [k] of base) t.del(k);
      assert.deepEqual(t.root(), EMPTY_TRIE_ROOT);
    }),
    { numRuns: 300 },
  );
});

test('proofs verify for present and absent keys; a copy is isolated; reload from the store', () => {
  fc.assert(
    fc.property(entries, fc.array(key, { maxLength: 8 }), (es, probes) => {
      const t = new MerklePatriciaTrie();
      for (const [k, v] of es) t.put(k, v);
      const root = t.root();
      const snapshot = t.copy();
      const reloaded = new MerklePatriciaTrie({ store: t.store, root });
      for (const k of [...es.map(([k]) => k), ...probes]) {
        const expected = t.get(k);
        assert.deepEqual(verifyProof(root, k, t.createProof(k)), expected);
        assert.deepEqual(reloaded.get(k), expected);
      }
      assert.deepEqual([...reloaded.entries()].length, es.length);
      for (const [k] of es) t.del(k);
      assert.deepEqual(snapshot.root(), root);
    }),
    { numRuns: 200 },
  );
});
