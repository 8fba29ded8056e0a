import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { bigintToRLPBytes, encodeRLP } from '@keel/evm';
import { concatBytes } from '@keel/util';
import {
  type Batch,
  decodeBatch,
  defaultBatchLimits,
  encodeBatch,
  RollupErrorCode,
} from '../../src/index.ts';

const batch: Batch = {
  index: 3n,
  parentHash: new Uint8Array(32).fill(7),
  blocks: [
    { number: 10n, timestamp: 1000n, l1Origin: 5n, txs: [new Uint8Array([2, 1, 2, 3])] },
    { number: 11n, timestamp: 1001n, l1Origin: 5n, txs: [] },
  ],
};

function raw(body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([1]), new Uint8Array(deflateRawSync(body)));
}

describe('batch codec', () => {
  it('round-trips and compresses repetitive data', () => {
    assert.deepEqual(decodeBatch(encodeBatch(batch)), batch);
    const many: Batch = {
      ...batch,
      blocks: [{ ...batch.blocks[0]!, txs: Array(200).fill(new Uint8Array(100).fill(3)) }],
    };
    assert.ok(encodeBatch(many).length < 1000);
  });

  it('accepts any valid deflate stream of the body (decoding is the consensus rule)', () => {
    const body = encodeRLP([
      bigintToRLPBytes(3n),
      batch.parentHash,
      [[bigintToRLPBytes(10n), bigintToRLPBytes(1000n), bigintToRLPBytes(5n), []]],
    ]);
    const stored = concatBytes(
      new Uint8Array([1]),
      new Uint8Array(deflateRawSync(body, { level: 0 })),
    );
    assert.equal(decodeBatch(stored).blocks[0]!.number, 10n);
  });

  it('refuses bad versions, bad streams, shapes and oversized bodies', () => {
    const ok = encodeBatch(batch);
    assert.throws(
      () => decodeBatch(concatBytes(new Uint8Array([2]), ok.subarray(1))),
      /unknown batch version 2/,
    );
    assert.throws(() => decodeBatch(new Uint8Array([1, 0xff, 0xff])), {
      code: RollupErrorCode.INVALID_BATCH,
    });
    assert.throws(() => decodeBatch(raw(encodeRLP([bigintToRLPBytes(1n)]))), /2|fields/);
    assert.throws(
      () => decodeBatch(raw(encodeRLP([bigintToRLPBytes(1n), new Uint8Array(31), []]))),
      /parentHash is 31 bytes/,
    );
    assert.throws(
      () => decodeBatch(raw(encodeRLP([bigintToRLPBytes(1n), new Uint8Array(32), []]))),
      /no blocks/,
    );
    assert.throws(
      () => decodeBatch(raw(encodeRLP([new Uint8Array([0, 1]), new Uint8Array(32), [[]]]))),
      /leading zero/,
    );
    assert.throws(
      () => decodeBatch(raw(encodeRLP([new Uint8Array(9).fill(1), new Uint8Array(32), [[]]]))),
      /longer than 8/,
    );
    // a zip bomb: 64 MiB of zeros inflates past the 4 MiB limit and is stopped there
    const bomb = raw(new Uint8Array(64 * 1024 * 1024));
    assert.ok(bomb.length < 100_000);
    assert.throws(() => decodeBatch(bomb), { code: RollupErrorCode.LIMIT_EXCEEDED });
    assert.throws(
      () => decodeBatch(ok, { ...defaultBatchLimits, maxBlocks: 1 }),
      /2 blocks, limit 1/,
    );
    assert.throws(
      () => decodeBatch(ok, { ...defaultBatchLimits, maxTxsPerBlock: 0 }),
      /1 transactions, limit 0/,
    );
  });
});
