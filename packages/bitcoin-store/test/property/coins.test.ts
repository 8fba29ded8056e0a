import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import { decodeCoin, encodeCoin } from '../../src/coinCache.ts';

test('stored coins round-trip', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.boolean(),
      fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      fc.uint8Array({ maxLength: 200 }),
      (height, coinbase, value, scriptPubKey) => {
        const c = { height, coinbase, value, scriptPubKey };
        assert.deepEqual(decodeCoin(encodeCoin(c)), c);
      },
    ),
  );
});

test('random bytes decode to a coin or a KeelError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try {
        decodeCoin(b);
      } catch (e) {
        assert.ok(isKeelError(e), String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
