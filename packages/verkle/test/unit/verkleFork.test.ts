import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import {
  createExecutionWitness,
  VerkleTree,
  verifyExecutionWitnessPreState,
} from '../../src/index.ts';

// Keys chosen to share stems (same first 31 bytes), share prefixes (split paths) and not.
const key = (bytes: number[], suffix: number): Uint8Array => {
  const k = new Uint8Array(32);
  bytes.forEach((b, i) => {
    k[i] = b;
  });
  k[31] = suffix;
  return k;
};
const val = (n: number) => new Uint8Array(32).fill(n);
type Op = readonly [Uint8Array, Uint8Array | undefined];

function fresh(entries: Map<string, [Uint8Array, Uint8Array]>): VerkleTree {
  const t = new VerkleTree();
  for (const [k, v] of entries.values()) t.insert(k, v);
  return t;
}

function apply(t: VerkleTree, m: Map<string, [Uint8Array, Uint8Array]>, ops: readonly Op[]) {
  for (const [k, v] of ops) {
    if (v === undefined) {
      t.delete(k);
      m.delete(bytesToHex(k));
    } else {
      t.insert(k, v);
      m.set(bytesToHex(k), [k, v]);
    }
  }
}

test('fork: writes to either tree leave the other intact; roots equal trees built from scratch', () => {
  const base = new VerkleTree();
  const baseMap = new Map<string, [Uint8Array, Uint8Array]>();
  apply(base, baseMap, [
    [key([1, 2], 0), val(1)],
    [key([1, 2], 7), val(2)],
    [key([1, 3], 0), val(3)],
    [key([9], 200), val(4)],
  ]);
  const baseRoot = bytesToHex(base.rootCommitment());
  const child = base.fork();
  const childMap = new Map(baseMap);
  assert.equal(bytesToHex(child.rootCommitment()), baseRoot);
  apply(child, childMap, [
    [key([1, 2], 7), val(9)], // overwrite in a shared leaf
    [key([1, 2, 5], 1), val(5)], // split below a shared leaf
    [key([9], 200), undefined], // delete a shared leaf
    [key([200], 3), val(6)], // new branch at the root
  ]);
  assert.equal(bytesToHex(base.rootCommitment()), baseRoot, 'parent unchanged by the fork');
  assert.deepEqual(base.get(key([1, 2], 7)), val(2));
  assert.deepEqual(base.get(key([9], 200)), val(4));
  assert.equal(child.get(key([9], 200)), undefined);
  const childRoot = bytesToHex(child.rootCommitment());
  assert.equal(childRoot, bytesToHex(fresh(childMap).rootCommitment()));
  // A sibling fork of the same parent, then a write to the parent itself.
  const sibling = base.fork();
  const sibMap = new Map(baseMap);
  apply(sibling, sibMap, [[key([1, 3], 0), val(8)]]);
  apply(base, baseMap, [[key([1, 2], 0), undefined]]);
  assert.equal(bytesToHex(sibling.rootCommitment()), bytesToHex(fresh(sibMap).rootCommitment()));
  assert.equal(bytesToHex(base.rootCommitment()), bytesToHex(fresh(baseMap).rootCommitment()));
  assert.equal(bytesToHex(child.rootCommitment()), childRoot, 'first fork unchanged');
  assert.notEqual(childRoot, baseRoot);
});

test('fork: a witness from the parent still proves the pre-state after the child changed', () => {
  const base = new VerkleTree();
  base.insert(key([4, 4], 1), val(1));
  base.insert(key([4, 5], 1), val(2));
  const root = base.rootCommitment();
  const child = base.fork();
  child.insert(key([4, 4], 1), val(3));
  child.insert(key([4, 4, 4], 0), val(4));
  child.commit();
  const w = createExecutionWitness(base, [key([4, 4], 1), key([4, 4, 4], 0)]);
  assert.deepEqual(w.stateDiff[0]?.suffixDiffs[0]?.currentValue, val(1));
  assert.equal(verifyExecutionWitnessPreState(root, w), true);
  assert.equal(verifyExecutionWitnessPreState(child.rootCommitment(), w), false);
});
