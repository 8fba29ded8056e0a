/**
 * AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8): 32-byte key, 12-byte nonce, 16-byte tag appended
 * to the ciphertext. The cipher itself is @noble/ciphers; this file fixes the API, checks
 * lengths and turns a bad tag into a typed error.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';

export const CHACHA20POLY1305_KEY_LENGTH = 32;
export const CHACHA20POLY1305_NONCE_LENGTH = 12;
export const CHACHA20POLY1305_TAG_LENGTH = 16;

const EMPTY = new Uint8Array(0);

/** Encrypts and authenticates: returns ciphertext ‖ tag (plaintext length + 16 bytes). */
export function seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertLength(key, CHACHA20POLY1305_KEY_LENGTH, 'ChaCha20-Poly1305 key');
  assertLength(nonce, CHACHA20POLY1305_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/**
 * Checks the tag and decrypts ciphertext ‖ tag. Throws CryptoError DECRYPT_FAILED when the
 * input is shorter than a tag or the tag does not match (no plaintext is released).
 */
export function open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  assertLength(key, CHACHA20POLY1305_KEY_LENGTH, 'ChaCha20-Poly1305 key');
  assertLength(nonce, CHACHA20POLY1305_NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  if (!(sealed instanceof Uint8Array) || sealed.length < CHACHA20POLY1305_TAG_LENGTH) {
    throw new CryptoError(
      CryptoErrorCode.DECRYPT_FAILED,
      'ChaCha20-Poly1305: input shorter than the 16-byte tag',
      { length: sealed instanceof Uint8Array ? sealed.length : null },
    );
  }
  try {
    return chacha20poly1305(key, nonce, aad).decrypt(sealed);
  } catch {
    throw new CryptoError(CryptoErrorCode.DECRYPT_FAILED, 'ChaCha20-Poly1305: invalid tag');
  }
}

/** 2^64 - 1: the largest Noise nonce value (reserved, never used to encrypt). */
export const MAX_NOISE_NONCE = 0xffffffffffffffffn;

/**
 * Noise's ChaChaPoly nonce (Noise rev 34 §12.3): 32 bits of zeros followed by the 64-bit
 * counter, little-endian.
 */
export function noiseNonce(n: bigint | number): Uint8Array {
  const v = typeof n === 'number' && Number.isSafeInteger(n) ? BigInt(n) : n;
  if (typeof v !== 'bigint' || v < 0n || v > MAX_NOISE_NONCE) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'Noise nonce must be a uint64');
  }
  const out = new Uint8Array(12);
  new DataView(out.buffer).setBigUint64(4, v, true);
  return out;
}
