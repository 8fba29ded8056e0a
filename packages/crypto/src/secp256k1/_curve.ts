/**
 * Internal secp256k1 helpers shared by the backends, the DER helpers and ElligatorSwift.
 * Never exported from the package.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';

export const Point = secp256k1.Point;
export type NoblePoint = InstanceType<typeof Point>;
export const Fp = Point.Fp;
export const Fn = Point.Fn;
/** Field prime p. */
export const P = Fp.ORDER;
/** Group order n. */
export const N = Fn.ORDER;
export const HALF_N = N >> 1n;

export const bytesToNum: (b: Uint8Array) => bigint = bytesToNumberBE;
export function numTo32(n: bigint): Uint8Array {
  return numberToBytesBE(n, 32);
}

export function isUint8Array(b: unknown): b is Uint8Array {
  return b instanceof Uint8Array;
}

/** sqrt(a) mod p as a^((p+1)/4) (the root that is itself a square), or null for a non-square. */
export function sqrtOrNull(a: bigint): bigint | null {
  try {
    // noble's secp256k1 sqrt is this exact addition chain, and throws for non-squares.
    return Fp.sqrt(a);
  } catch {
    return null;
  }
}

/** True when x³+7 is a square mod p, i.e. x is the x coordinate of a curve point. */
export function isValidX(x: bigint): boolean {
  return isSquare(Fp.add(Fp.mul(Fp.sqr(x), x), 7n));
}

/** True when `a` is a square mod p (0 counts as a square). */
export function isSquare(a: bigint): boolean {
  return sqrtOrNull(a) !== null;
}

/** BIP340 lift_x: the even-Y point with this x, or null. `x` must already be < p. */
export function liftX(x: bigint): NoblePoint | null {
  const c = Fp.add(Fp.mul(Fp.sqr(x), x), 7n);
  let y = sqrtOrNull(c);
  if (y === null) return null;
  if (y & 1n) y = Fp.neg(y);
  return Point.fromAffine({ x, y });
}

/** The scalar of a valid secret key, or CryptoError (INVALID_LENGTH / INVALID_PRIVATE_KEY). */
export function secretScalar(sk: Uint8Array): bigint {
  assertLength(sk, 32, 'secret key');
  const d = bytesToNum(sk);
  if (d === 0n || d >= N) {
    throw new CryptoError(CryptoErrorCode.INVALID_PRIVATE_KEY, 'secret key must be in [1, n-1]');
  }
  return d;
}

/** A tweak scalar in [0, n-1], or CryptoError (INVALID_LENGTH / INVALID_TWEAK). */
export function tweakScalar(tweak: Uint8Array): bigint {
  assertLength(tweak, 32, 'tweak');
  const t = bytesToNum(tweak);
  if (t >= N) throw new CryptoError(CryptoErrorCode.INVALID_TWEAK, 'tweak must be < n');
  return t;
}

/**
 * libsecp256k1 `ec_pubkey_parse`: 33-byte 02/03, 65-byte 04, and 65-byte 06/07 (hybrid, Y
 * parity must match the prefix) when `allowHybrid`. Coordinates must be < p and on the curve.
 */
export function parsePoint(pub: Uint8Array, allowHybrid: boolean): { x: bigint; y: bigint } | null {
  if (!(pub instanceof Uint8Array)) return null;
  const head = pub[0];
  if (pub.length === 33 && (head === 0x02 || head === 0x03)) {
    const x = bytesToNum(pub.subarray(1));
    if (x >= P) return null;
    const y = sqrtOrNull(Fp.add(Fp.mul(Fp.sqr(x), x), 7n));
    if (y === null) return null;
    return { x, y: (y & 1n) === BigInt(head & 1) ? y : Fp.neg(y) };
  }
  if (pub.length !== 65) return null;
  if (head !== 0x04 && !(allowHybrid && (head === 0x06 || head === 0x07))) return null;
  const x = bytesToNum(pub.subarray(1, 33));
  const y = bytesToNum(pub.subarray(33));
  if (x >= P || y >= P) return null;
  if (head !== 0x04 && (y & 1n) !== BigInt(head & 1)) return null;
  if (Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), 7n)) return null;
  return { x, y };
}

export function encodePoint(x: bigint, y: bigint, compressed: boolean): Uint8Array {
  if (compressed) {
    const out = new Uint8Array(33);
    out[0] = 0x02 | Number(y & 1n);
    out.set(numTo32(x), 1);
    return out;
  }
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(numTo32(x), 1);
  out.set(numTo32(y), 33);
  return out;
}
