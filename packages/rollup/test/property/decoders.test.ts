import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { concatBytes } from '@keel/util';
import fc from 'fast-check';
import {
  DEPOSIT_TOPIC,
  decodeBatch,
  depositFromLog,
  encodeBatch,
  packBlobs,
  RollupError,
  unpackBlobs,
} from '../../src/index.ts';

function onlyTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RollupError, `untyped error: ${String(e)}`);
  }
}

describe('decoders on random and mutated input throw only RollupError', () => {
  it('decodeBatch: random bytes, random deflated bodies, mutated valid batches', () => {
    const valid = encodeBatch({
      index: 1n,
      parentHash: new Uint8Array(32),
      blocks: [{ number: 1n, timestamp: 2n, l1Origin: 0n, txs: [new Uint8Array([1, 2])] }],
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), fc.nat(255), (bytes, pos, val) => {
        onlyTyped(() => decodeBatch(bytes));
        onlyTyped(() =>
          decodeBatch(concatBytes(new Uint8Array([1]), new Uint8Array(deflateRawSync(bytes)))),
        );
        const m = valid.slice();
        m[pos % m.length] = val;
        onlyTyped(() => decodeBatch(m));
      }),
      { numRuns: 400 },
    );
  });

  it('unpackBlobs: mutated packed blobs', () => {
    const blob = packBlobs(new Uint8Array(100).fill(3))[0]!;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(131_071), fc.nat(255)), { maxLength: 4 }), (muts) => {
        const b = blob.slice();
        for (const [i, v] of muts) b[i] = v;
        onlyTyped(() => unpackBlobs([b], 1 << 20));
      }),
      { numRuns: 200 },
    );
  });

  it('depositFromLog: random topics and data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 4 }),
        fc.uint8Array({ maxLength: 300 }),
        (topics, data) => {
          onlyTyped(() => depositFromLog([DEPOSIT_TOPIC, ...topics], data, 1n));
        },
      ),
      { numRuns: 500 },
    );
  });
});
