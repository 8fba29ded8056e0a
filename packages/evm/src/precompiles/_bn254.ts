import { bigIntToBytes, bytesToBigInt } from '@keel/util';
import { bn254 } from '@noble/curves/bn254.js';

/**
 * EIP-196/197 point codecs over bn254 (alt_bn128). A G1 point is x ‖ y, a G2 point is
 * x.imag ‖ x.real ‖ y.imag ‖ y.real, every coordinate a 32-byte big-endian integer < p; all
 * zeros is the point at infinity. Any other encoding that is not on the curve (and, for G2,
 * in the order-n subgroup — G1 has cofactor 1) is invalid: the decoders return null.
 */
const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const P = G1.CURVE().p;
export const BN254_ORDER = G1.CURVE().n;

export type G1Point = InstanceType<typeof G1>;
export type G2Point = InstanceType<typeof G2>;

function coord(b: Uint8Array, at: number): bigint | null {
  const v = bytesToBigInt(b.subarray(at, at + 32));
  return v < P ? v : null;
}

/** 64 bytes → G1 point or null. */
export function decodeG1(b: Uint8Array): G1Point | null {
  const x = coord(b, 0);
  const y = coord(b, 32);
  if (x === null || y === null) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  // EIP-196: y² = x³ + 3 over Fp; the cofactor is 1, so on-curve is in-group.
  if ((y * y - (x * x * x + 3n)) % P !== 0n) return null;
  return G1.fromAffine({ x, y });
}

/** 128 bytes → G2 point or null. */
export function decodeG2(b: Uint8Array): G2Point | null {
  const xi = coord(b, 0);
  const xr = coord(b, 32);
  const yi = coord(b, 64);
  const yr = coord(b, 96);
  if (xi === null || xr === null || yi === null || yr === null) return null;
  if (xi === 0n && xr === 0n && yi === 0n && yr === 0n) return G2.ZERO;
  try {
    // noble refuses y = 0 outright (no such point on the twist: it would have order 2).
    const q = G2.fromAffine({ x: { c0: xr, c1: xi }, y: { c0: yr, c1: yi } });
    // EIP-197: on the twist and of order n (noble checks both here).
    q.assertValidity();
    return q;
  } catch {
    return null;
  }
}

export function encodeG1(p: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (p.is0()) return out;
  const a = p.toAffine();
  out.set(bigIntToBytes(a.x, 32), 0);
  out.set(bigIntToBytes(a.y, 32), 32);
  return out;
}

/** e(P1,Q1)·…·e(Pk,Qk) == 1 in GT; pairs with an infinity point contribute 1. */
export function pairingIsOne(pairs: readonly { g1: G1Point; g2: G2Point }[]): boolean {
  const live = pairs.filter((p) => !p.g1.is0() && !p.g2.is0());
  const Fp12 = bn254.fields.Fp12;
  return Fp12.eql(bn254.pairingBatch(live), Fp12.ONE);
}
