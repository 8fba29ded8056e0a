/**
 * Internal secp256k1 helpers shared by the backends, the DER helpers and ElligatorSwift.
 * Never exported from the package.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';

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
