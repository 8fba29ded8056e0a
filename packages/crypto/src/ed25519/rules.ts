import { bytesToBigIntLE } from '@keel/util';
import { CryptoError, CryptoErrorCode } from '../errors.ts';

/** The field prime p = 2^255 − 19. */
export const ED25519_P = 2n ** 255n - 19n;
/** The prime group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

// RFC 9381 §5.4.5: y of the two order-8 point pairs. With y = 0 (order 4), 1 (identity) and
// p − 1 (order 2) these are the y coordinates of all 8 small-order points of edwards25519.
const BAD_Y2 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
const SMALL_ORDER_Y: ReadonlySet<bigint> = new Set([
  0n,
  1n,
  BAD_Y2,
  ED25519_P - BAD_Y2,
  ED25519_P - 1n,
]);

/** The y coordinate of a 32-byte point encoding (sign bit cleared), not reduced. */
function encodedY(point: Uint8Array): bigint {
  const y = point.slice();
  y[31] = y[31]! & 0x7f;
  return bytesToBigIntLE(y);
}

/** RFC 8032 §5.1.7: S, the last 32 bytes of the signature read little-endian, must be < L. */
export function isCanonicalS(signature: Uint8Array): boolean {
  return bytesToBigIntLE(signature.subarray(32, 64)) < ED25519_L;
}

/**
 * True when `pk` is a canonical encoding (y < p) whose y is not that of a small-order point.
 * Together with "decodes to a curve point" (checked by both engines) this is keel's public-key
 * rule. Encodings with x = 0 and the sign bit set have y ∈ {1, p − 1}, so they fail here too.
 */
export function isAcceptablePublicKeyEncoding(pk: Uint8Array): boolean {
  const y = encodedY(pk);
  return y < ED25519_P && !SMALL_ORDER_Y.has(y);
}

/** True when the y of a 32-byte point encoding is reduced (y < p). */
export function isCanonicalY(point: Uint8Array): boolean {
  return encodedY(point) < ED25519_P;
}

/** The checks both engines run before their own arithmetic; `false` means reject. */
export function passesPreChecks(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  assertBytes(signature, 'ed25519 signature');
  assertBytes(message, 'ed25519 message');
  assertBytes(publicKey, 'ed25519 public key');
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  return isCanonicalS(signature) && isAcceptablePublicKeyEncoding(publicKey);
}

/** Throws CryptoError INVALID_INPUT unless `v` is a Uint8Array. */
export function assertBytes(v: unknown, what: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, `${what} must be a Uint8Array`);
  }
}
