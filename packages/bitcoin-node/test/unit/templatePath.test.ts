import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeMerkleRoot } from '@keel/bitcoin';
import { sha256d } from '@keel/crypto';
import { concatBytes } from '@keel/util';
import { coinbasePath } from '../../src/node/templateProvider.ts';

const h = (i: number) => sha256d(Uint8Array.of(i & 0xff, i >> 8));

// A pool folds the coinbase txid up the path; the result must be the block's merkle root as
// computeMerkleRoot (the consensus code) builds it from every txid.
test('coinbase merkle path folds to the consensus merkle root for 0..40 transactions', () => {
  for (let n = 0; n <= 40; n++) {
    const txids = Array.from({ length: n }, (_, i) => h(i + 1));
    const coinbase = h(10_000 + n);
    let acc = coinbase;
    for (const sibling of coinbasePath(txids)) acc = sha256d(concatBytes(acc, sibling));
    assert.deepEqual(acc, computeMerkleRoot([coinbase, ...txids]).root, `${n} transactions`);
  }
});
