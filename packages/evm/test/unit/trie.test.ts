import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256 } from '@keel/crypto/hashes';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../../src/errors.ts';
import { encodeRLP } from '../../src/rlp/encode.ts';
import { MemoryTrieNodeStore } from '../../src/trie/nodeStore.ts';
import { verifyProof } from '../../src/trie/proof.ts';
import { MerklePatriciaTrie } from '../../src/trie/trie.ts';
import { EMPTY_TRIE_ROOT, trieRoot } from '../../src/trie/trieRoot.ts';

const u = utf8ToBytes;
const isTrieError = (e: unknown) => e instanceof EvmError && e.code === EvmErrorCode.TRIE;

test('EMPTY_TRIE_ROOT is keccak256(rlp(""))', () => {
  assert.deepEqual(EMPTY_TRIE_ROOT, keccak256(encodeRLP(new Uint8Array(0))));
  assert.deepEqual(trieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(new MerklePatriciaTrie().root(), EMPTY_TRIE_ROOT);
});

test('a single short entry: the root hashes the inline leaf [hp(key), value]', () => {
  // Leaf with an even path: flag byte 0x20, then the key bytes.
  const leaf = encodeRLP([hexToBytes('20aa'), u('v')]);
  assert.deepEqual(trieRoot([[hexToBytes('aa'), u('v')]]), keccak256(leaf));
});

test('a proof against a different root, or with a tampered node, is rejected', () => {
  const t = new MerklePatriciaTrie();
  for (let i = 0; i < 50; i++) t.put(keccak256(Uint8Array.of(i)), u(`value ${i}`.repeat(3)));
  const key = keccak256(Uint8Array.of(7));
  const proof = t.createProof(key);
  assert.deepEqual(verifyProof(t.root(), key, proof), u('value 7'.repeat(3)));
  assert.throws(() => verifyProof(keccak256(u('other')), key, proof), isTrieError);
  const tampered = proof.map((n) => n.slice());
  tampered[1]![tampered[1]!.length - 1]! ^= 1;
  assert.throws(() => verifyProof(t.root(), key, tampered), isTrieError);
  assert.throws(() => verifyProof(t.root(), key, proof.slice(0, 1)), isTrieError);
});

test('a root whose nodes are missing from the store is a TRIE error', () => {
  assert.throws(
    () => new MerklePatriciaTrie({ store: new MemoryTrieNodeStore(), root: keccak256(u('x')) }),
    isTrieError,
  );
});

test('root() stores each hashed node once; later roots add only new nodes', () => {
  const store = new MemoryTrieNodeStore();
  const t = new MerklePatriciaTrie({ store });
  for (let i = 0; i < 100; i++) t.put(keccak256(Uint8Array.of(i)), u(`v${i}`.padEnd(40, '.')));
  const root = t.root();
  const size = store.size;
  assert.ok(size > 100);
  for (const [h, enc] of store.entries()) assert.equal(bytesToHex(keccak256(enc)), h);
  assert.deepEqual(t.root(), root);
  assert.equal(store.size, size);
  t.put(keccak256(Uint8Array.of(0)), u('changed'));
  t.root();
  // One leaf changed: at most the nodes on its path (depth ~3 for 100 keys) are new.
  assert.ok(store.size - size <= 5, `${store.size - size} new nodes`);
});
