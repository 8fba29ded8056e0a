import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { open, seal } from '../../src/aead/chacha20poly1305.ts';
import { CryptoErrorCode } from '../../src/errors.ts';

const isDecryptFailed = (e: unknown) =>
  (e as { code?: string }).code === CryptoErrorCode.DECRYPT_FAILED;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

test('ChaCha20-Poly1305 round-trips any plaintext and aad', () => {
  fc.assert(
    fc.property(
      bytes(32),
      bytes(12),
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 40 }),
      (key, nonce, pt, aad) => {
        const sealed = seal(key, nonce, pt, aad);
        assert.equal(sealed.length, pt.length + 16);
        assert.deepEqual(open(key, nonce, sealed, aad), pt);
      },
    ),
    { numRuns: 200 },
  );
});

test('flipping any bit of the sealed message or the aad is rejected', () => {
  fc.assert(
    fc.property(
      bytes(32),
      bytes(12),
      fc.uint8Array({ maxLength: 100 }),
      fc.uint8Array({ minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      fc.boolean(),
      (key, nonce, pt, aad, pos, bit, inAad) => {
        const sealed = seal(key, nonce, pt, aad);
        const target = inAad ? aad.slice() : sealed.slice();
        target[pos % target.length]! ^= 1 << bit;
        const [s, a] = inAad ? [sealed, target] : [target, aad];
        assert.throws(() => open(key, nonce, s, a), isDecryptFailed);
      },
    ),
    { numRuns: 200 },
  );
});
