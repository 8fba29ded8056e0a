import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import { VerkleError, VerkleTree } from '../../src/index.ts';

const key = (bytes: number[]): Uint8Array => {
  const k = new Uint8Array(32);
  bytes.forEach((b, i) => {
    k[i] = b;
  });
  return k;
};

test('insert, get, overwrite and delete', () => {
  const t = new VerkleTree();
  const k = key([1, 2, 3]);
  assert.equal(t.get(k), undefined);
  t.insert(k, new Uint8Array(32).fill(7));
  assert.deepEqual(t.get(k), new Uint8Array(32).fill(7));
  t.insert(k, new Uint8Array(32).fill(8));
  assert.deepEqual(t.get(k), new Uint8Array(32).fill(8));
  assert.equal(t.delete(k), true);
  assert.equal(t.delete(k), false);
  assert.equal(t.get(k), undefined);
});

test('a zero value is present and changes the root (EIP-6800 leaf marker)', () => {
  const a = new VerkleTree();
  const b = new VerkleTree();
  b.insert(key([9]), new Uint8Array(32));
  assert.notEqual(bytesToHex(a.rootHash()), bytesToHex(b.rootHash()));
  assert.deepEqual(b.get(key([9])), new Uint8Array(32));
});

test('delete restores the earlier root, including a lifted leaf after a split', () => {
  const t = new VerkleTree();
  const k1 = key([5, 5, 5]);
  const k2 = key([5, 5, 6]);
  t.insert(k1, new Uint8Array(32).fill(1));
  const before = bytesToHex(t.rootCommitment());
  t.insert(k2, new Uint8Array(32).fill(2));
  assert.equal(t.stats().maxDepth, 3);
  assert.notEqual(bytesToHex(t.rootCommitment()), before);
  t.delete(k2);
  assert.equal(bytesToHex(t.rootCommitment()), before);
  assert.equal(t.stats().maxDepth, 1);
  t.delete(k1);
  assert.equal(bytesToHex(t.rootHash()), '00'.repeat(32));
});

test('bad keys and values are typed errors', () => {
  const t = new VerkleTree();
  assert.throws(() => t.insert(new Uint8Array(31), new Uint8Array(32)), VerkleError);
  assert.throws(() => t.insert(new Uint8Array(32), new Uint8Array(33)), VerkleError);
  assert.throws(() => t.get(new Uint8Array(0)), VerkleError);
});
