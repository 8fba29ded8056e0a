import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { BufferReader, bytesToHex, DecodeError, hexToBytes } from '@keel/util';
import {
  blockHash,
  computeMerkleRoot,
  decodeBlock,
  decodeBlockWithIds,
  decodeTransaction,
  encodeBlock,
  encodeTransaction,
  hashToHex,
  hasWitness,
  readBlock,
  txid,
  wtxid,
} from '../../src/index.ts';

// Block hashes from the vectors README's identity table (checked there against the chain).
const KNOWN: Record<string, string> = {
  'blocks/mainnet-277647.raw': '0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8',
  'blocks/mainnet-300025.raw': '0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c',
  'blocks/mainnet-482683.raw': '000000000000000000c238240ef6dcb26c37e75e16514e6ffc0aef7eee73e747',
  'blocks/mainnet-540107.raw': '00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab',
  'blocks/testnet3-928828.raw': '00000000000cee3a01a2821fe68eaa06000e8c744320efca8fcff9c4b9cf76c2',
  'blocks/testnet3-1087400.raw': '0000000003db83e6ab01a6ebb26ad2b1481688009141c9afc204c54284e1ba66',
};

test('real blocks decode, re-encode byte-identically, and have the known hash and merkle root', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  for (const [file, hash] of Object.entries(KNOWN)) {
    const raw: Uint8Array = new Uint8Array(readFileSync(join(dir, file)));
    const block = decodeBlock(raw);
    assert.equal(hashToHex(blockHash(block.header)), hash, file);
    assert.deepEqual(encodeBlock(block), raw, `${file} round trip`);
    const { root, mutated } = computeMerkleRoot(block.txs.map(txid));
    assert.equal(bytesToHex(root), bytesToHex(block.header.merkleRoot), `${file} merkle root`);
    assert.equal(mutated, false);
  }
});

test('decodeBlockWithIds: ids hashed from the wire bytes equal those of the re-serialization', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  let witnessTxs = 0;
  for (const file of Object.keys(KNOWN)) {
    const raw: Uint8Array = new Uint8Array(readFileSync(join(dir, file)));
    const { block, txids, wtxids } = decodeBlockWithIds(raw);
    assert.deepEqual(block, decodeBlock(raw), file);
    assert.deepEqual(txids, block.txs.map(txid), `${file} txids`);
    assert.deepEqual(wtxids, block.txs.map(wtxid), `${file} wtxids`);
    assert.equal(bytesToHex(computeMerkleRoot(txids).root), bytesToHex(block.header.merkleRoot));
    witnessTxs += block.txs.filter(hasWitness).length;
  }
  assert.ok(witnessTxs > 100, `the witness path ran (${witnessTxs} transactions)`);
  const truncated = new Uint8Array(82);
  truncated[80] = 1; // one transaction, one byte of it
  assert.throws(() => decodeBlockWithIds(truncated), DecodeError);
});

test('mainnet 0-255 file: 256 linked blocks from genesis', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  const raw = new Uint8Array(readFileSync(join(dir, 'blocks/mainnet-0-255.blk')));
  const r = new BufferReader(raw);
  let prev: Uint8Array = new Uint8Array(32);
  let count = 0;
  let last = '';
  while (r.remaining > 0) {
    assert.equal(r.u32le(), 0xd9b4bef9);
    const len = r.u32le();
    const block = decodeBlock(r.bytes(len));
    assert.deepEqual(block.header.prevBlock, prev);
    prev = blockHash(block.header);
    last = hashToHex(prev);
    count++;
  }
  assert.equal(count, 256);
  assert.equal(last, '00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c');
});

test('merkle mutation (CVE-2012-2459) is detected', () => {
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  const c = new Uint8Array(32).fill(3);
  const good = computeMerkleRoot([a, b, c]);
  const bad = computeMerkleRoot([a, b, c, c]);
  assert.deepEqual(bad.root, good.root);
  assert.equal(good.mutated, false);
  assert.equal(bad.mutated, true);
});

test('BIP144: superfluous witness and unknown flags are rejected', () => {
  // version 1, marker 0, flag 1, 1 input, 1 output, empty witness, locktime
  const noWit = hexToBytes(
    '01000000000101' +
      '11'.repeat(32) +
      '00000000' +
      '00' +
      'ffffffff' +
      '01' +
      '0000000000000000' +
      '00' +
      '00' +
      '00000000',
  );
  assert.throws(
    () => decodeTransaction(noWit),
    (e) => e instanceof DecodeError && /superfluous/.test(e.message),
  );
  const badFlag = hexToBytes(
    '01000000000201' +
      '11'.repeat(32) +
      '00000000' +
      '00' +
      'ffffffff' +
      '01' +
      '0000000000000000' +
      '00' +
      '00000000',
  );
  assert.throws(
    () => decodeTransaction(badFlag),
    (e) => e instanceof DecodeError && /optional data/.test(e.message),
  );
});

test('a huge declared count fails before allocating', () => {
  assert.throws(() => decodeTransaction(hexToBytes(`01000000ff${'ff'.repeat(7)}00`)), DecodeError);
  assert.throws(
    () => readBlock(new BufferReader(hexToBytes(`${'00'.repeat(80)}fe00000001`))),
    DecodeError,
  );
  const oneInput = hexToBytes(`0100000001${'00'.repeat(32)}ffffffff00ffffffff0000000000`);
  const tx = decodeTransaction(oneInput);
  assert.equal(tx.inputs.length, 1);
  assert.deepEqual(encodeTransaction(tx), oneInput);
});
