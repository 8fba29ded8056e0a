import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { noiseNonce, open, seal } from '../../src/aead/chacha20poly1305.ts';
import { CryptoErrorCode } from '../../src/errors.ts';

const isCode = (code: string) => (e: unknown) => (e as { code?: string }).code === code;
const key = new Uint8Array(32).map((_, i) => i);
const nonce = new Uint8Array(12).fill(9);

test('Noise nonce: 4 zero bytes then the counter little-endian (Noise §12.3)', () => {
  assert.equal(bytesToHex(noiseNonce(0n)), '000000000000000000000000');
  assert.equal(bytesToHex(noiseNonce(1)), '000000000100000000000000');
  assert.equal(bytesToHex(noiseNonce(0x0102030405060708n)), '000000000807060504030201');
  assert.equal(bytesToHex(noiseNonce(2n ** 64n - 1n)), '00000000ffffffffffffffff');
  for (const bad of [-1n, 2n ** 64n, -1, 1.5, 2 ** 60]) {
    assert.throws(() => noiseNonce(bad as bigint), isCode(CryptoErrorCode.INVALID_INPUT));
  }
});

test('seal output is ciphertext ‖ 16-byte tag and matches the underlying cipher', () => {
  const pt = new Uint8Array(100).fill(1);
  const aad = Uint8Array.of(1, 2, 3);
  const sealed = seal(key, nonce, pt, aad);
  assert.equal(sealed.length, 116);
  assert.deepEqual(sealed, chacha20poly1305(key, nonce, aad).encrypt(pt));
  assert.deepEqual(open(key, nonce, sealed, aad), pt);
  assert.equal(seal(key, nonce, new Uint8Array(0)).length, 16);
});

test('length checks and short inputs give typed errors', () => {
  assert.throws(
    () => seal(key.subarray(1), nonce, new Uint8Array(1)),
    isCode(CryptoErrorCode.INVALID_LENGTH),
  );
  assert.throws(
    () => seal(key, new Uint8Array(8), new Uint8Array(1)),
    isCode(CryptoErrorCode.INVALID_LENGTH),
  );
  assert.throws(() => open(key, nonce, new Uint8Array(15)), isCode(CryptoErrorCode.DECRYPT_FAILED));
  assert.throws(() => open(key, nonce, new Uint8Array(16)), isCode(CryptoErrorCode.DECRYPT_FAILED));
});

test('wrong key, nonce or aad fail with DECRYPT_FAILED', () => {
  const sealed = seal(key, nonce, Uint8Array.of(5, 6, 7), Uint8Array.of(1));
  const otherKey = key.slice();
  otherKey[0]! ^= 1;
  const otherNonce = nonce.slice();
  otherNonce[11]! ^= 1;
  assert.throws(
    () => open(otherKey, nonce, sealed, Uint8Array.of(1)),
    isCode(CryptoErrorCode.DECRYPT_FAILED),
  );
  assert.throws(
    () => open(key, otherNonce, sealed, Uint8Array.of(1)),
    isCode(CryptoErrorCode.DECRYPT_FAILED),
  );
  assert.throws(
    () => open(key, nonce, sealed, Uint8Array.of(2)),
    isCode(CryptoErrorCode.DECRYPT_FAILED),
  );
  assert.throws(() => open(key, nonce, sealed), isCode(CryptoErrorCode.DECRYPT_FAILED));
});
