// MemoryWorldState: the journal undoes every kind of change, the per-transaction sets reset, and
// endTx applies EIP-161/6780 deletions. Roots are compared with roots of states built directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { createMemoryWorldState } from '../../src/state/memoryState.ts';
import { EMPTY_TRIE_ROOT } from '../../src/trie/trieRoot.ts';

const A = hexToBytes('00000000000000000000000000000000000000aa');
const B = hexToBytes('00000000000000000000000000000000000000bb');
const code = hexToBytes('6001600055');

function rootOf(s: { stateRoot(): Uint8Array }): string {
  return bytesToHex(s.stateRoot());
}

test('revert undoes balances, nonces, code, storage, creation and deletion', () => {
  const s = createMemoryWorldState([
    [A, { nonce: 1n, balance: 5n, code, storage: new Map([[1n, 2n]]) }],
  ]);
  const before = rootOf(s);
  s.beginTx();
  const cp = s.checkpoint();
  s.setBalance(A, 9n);
  s.setNonce(A, 7n);
  s.setStorage(A, 1n, 0n);
  s.setStorage(A, 3n, 4n);
  s.setCode(A, new Uint8Array(0));
  s.addBalance(B, 1n);
  const inner = s.checkpoint();
  s.deleteAccount(A);
  assert.equal(s.exists(A), false);
  s.revert(inner);
  assert.equal(s.getNonce(A), 7n);
  s.revert(cp);
  assert.equal(s.exists(B), false);
  assert.equal(s.getStorage(A, 1n), 2n);
  assert.equal(s.getStorage(A, 3n), 0n);
  assert.equal(rootOf(s), before);
});

test('EIP-2200 originals, EIP-2929 warm sets and EIP-1153 transient storage per transaction', () => {
  const s = createMemoryWorldState([
    [A, { nonce: 1n, balance: 0n, code, storage: new Map([[1n, 2n]]) }],
  ]);
  s.beginTx();
  s.setStorage(A, 1n, 5n);
  s.setStorage(A, 1n, 6n);
  assert.equal(s.getOriginalStorage(A, 1n), 2n);
  assert.equal(s.warmSlot(A, 1n), false);
  assert.equal(s.warmSlot(A, 1n), true);
  const cp = s.checkpoint();
  assert.equal(s.warmAddress(B), false);
  s.setTransient(A, 9n, 1n);
  s.revert(cp);
  assert.equal(s.isWarmAddress(B), false);
  assert.equal(s.getTransient(A, 9n), 0n);
  s.setTransient(A, 9n, 1n);
  s.endTx();
  s.beginTx();
  assert.equal(s.getOriginalStorage(A, 1n), 6n);
  assert.equal(s.warmSlot(A, 1n), false);
  assert.equal(s.getTransient(A, 9n), 0n);
});

test('endTx deletes touched empty accounts and destroyed ones, nothing else', () => {
  const s = createMemoryWorldState([
    [A, { nonce: 0n, balance: 0n, code: new Uint8Array(0) }],
    [B, { nonce: 0n, balance: 0n, code: new Uint8Array(0) }],
  ]);
  s.beginTx();
  s.touch(A);
  s.endTx();
  assert.equal(s.exists(A), false);
  assert.equal(s.exists(B), true, 'an untouched empty account stays');
  s.beginTx();
  s.setBalance(B, 3n);
  s.markDestroyed(B);
  s.endTx();
  assert.equal(bytesToHex(s.stateRoot()), bytesToHex(EMPTY_TRIE_ROOT));
});

test('copy is independent of the original', () => {
  const s = createMemoryWorldState([
    [A, { nonce: 1n, balance: 1n, code, storage: new Map([[1n, 2n]]) }],
  ]);
  const c = s.copy();
  const root = rootOf(s);
  c.beginTx();
  c.setStorage(A, 1n, 3n);
  c.setBalance(A, 4n);
  c.endTx();
  assert.equal(rootOf(s), root);
  assert.notEqual(rootOf(c), root);
  assert.equal(s.getStorage(A, 1n), 2n);
});
