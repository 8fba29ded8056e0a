import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EvmError } from '../../src/errors.ts';
import { decodeRLP, type RLPValue } from '../../src/rlp/decode.ts';
import { encodeRLP } from '../../src/rlp/encode.ts';
import { bigintToRLPBytes, rlpBytesToBigint } from '../../src/rlp/fields.ts';

const item: fc.Arbitrary<RLPValue> = fc.letrec<{ item: RLPValue }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.uint8Array({ maxLength: 80 }),
    fc.array(tie('item'), { maxLength: 6 }),
  ),
})).item;

test('decodeRLP(encodeRLP(x)) is x, and re-encoding is byte-identical', () => {
  fc.assert(
    fc.property(item, (x) => {
      const enc = encodeRLP(x);
      const dec = decodeRLP(enc);
      assert.deepEqual(dec, x);
      assert.deepEqual(encodeRLP(dec), enc);
    }),
    { numRuns: 500 },
  );
});

test('decodeRLP of random bytes returns a canonical item or throws EvmError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      try {
        // Strict decoding accepts only the canonical encoding, so it must re-encode exactly.
        assert.deepEqual(encodeRLP(decodeRLP(b)), b);
      } catch (e) {
        if (!(e instanceof EvmError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});

test('decodeRLP of mutated valid encodings returns or throws EvmError', () => {
  fc.assert(
    fc.property(item, fc.nat(), fc.integer({ min: 0, max: 255 }), (x, at, byte) => {
      const enc = encodeRLP(x);
      if (enc.length === 0) return;
      enc[at % enc.length] = byte;
      try {
        assert.deepEqual(encodeRLP(decodeRLP(enc)), enc);
      } catch (e) {
        if (!(e instanceof EvmError)) throw e;
      }
    }),
    { numRuns: 1000 },
  );
});

test('bigintToRLPBytes and rlpBytesToBigint are inverse on 0..2^256-1', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (n) => {
      assert.equal(rlpBytesToBigint(bigintToRLPBytes(n), 'n'), n);
    }),
    { numRuns: 500 },
  );
});
