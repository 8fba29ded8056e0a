import { bn254 } from '@noble/curves/bn254.js';
import { ZkError, ZkErrorCode } from './errors.ts';

/**
 * Strict readers of snarkjs's JSON encodings over BN254 ("bn128" in snarkjs): field elements
 * are canonical decimal strings (no sign, no leading zeros, < modulus); G1 points are projective
 * triples [x, y, z] with z = "1" (or ["0","1","0"] for infinity), G2 points
 * [[x.c0, x.c1], [y.c0, y.c1], ["1","0"]]. Points must be on the curve; G2 points also in the
 * order-r subgroup (G1 has cofactor 1).
 */
export const G1 = bn254.G1.Point;
export const G2 = bn254.G2.Point;
export type G1Point = InstanceType<typeof G1>;
export type G2Point = InstanceType<typeof G2>;
export const P = G1.CURVE().p;
export const R = G1.CURVE().n;
export const Fr = bn254.fields.Fr;

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function fail(code: ZkErrorCode, field: string, message: string): never {
  throw new ZkError(code, `${field}: ${message}`, { field });
}

/** A canonical decimal integer < `modulus`. */
export function parseInteger(v: unknown, field: string, modulus: bigint): bigint {
  if (typeof v !== 'string')
    fail(ZkErrorCode.MALFORMED, field, `expected a decimal string, got ${typeof v}`);
  if (v.length > 80 || !DECIMAL.test(v))
    fail(ZkErrorCode.NOT_CANONICAL, field, `not a canonical decimal integer`);
  const n = BigInt(v);
  if (n >= modulus) fail(ZkErrorCode.NOT_CANONICAL, field, 'not reduced modulo the field order');
  return n;
}

export const parseFr = (v: unknown, field: string): bigint => parseInteger(v, field, R);

/** A small count written by snarkjs as a JSON number (a canonical decimal string is accepted too). */
export function parseCount(v: unknown, field: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n))
    fail(ZkErrorCode.MALFORMED, field, `expected an integer, got ${JSON.stringify(v)}`);
  if (n < min || n > max) fail(ZkErrorCode.UNSUPPORTED, field, `${n} is outside [${min}, ${max}]`);
  return n;
}
const parseFp = (v: unknown, field: string): bigint => parseInteger(v, field, P);

export function parseArray(v: unknown, field: string, length?: number): unknown[] {
  if (!Array.isArray(v)) fail(ZkErrorCode.MALFORMED, field, 'expected an array');
  if (length !== undefined && v.length !== length)
    fail(ZkErrorCode.WRONG_LENGTH, field, `expected ${length} elements, got ${v.length}`);
  return v;
}

export function parseObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(ZkErrorCode.MALFORMED, field, 'expected an object');
  return v as Record<string, unknown>;
}

export function parseG1(v: unknown, field: string): G1Point {
  const [xs, ys, zs] = parseArray(v, field, 3);
  const x = parseFp(xs, `${field}[0]`);
  const y = parseFp(ys, `${field}[1]`);
  const z = parseFp(zs, `${field}[2]`);
  if (z === 0n) {
    if (x !== 0n || y !== 1n) fail(ZkErrorCode.NOT_CANONICAL, field, 'infinity must be [0, 1, 0]');
    return G1.ZERO;
  }
  if (z !== 1n) fail(ZkErrorCode.NOT_CANONICAL, field, 'z must be 1 (affine)');
  if ((y * y - (x * x * x + 3n)) % P !== 0n)
    fail(ZkErrorCode.NOT_ON_CURVE, field, 'not on y² = x³ + 3');
  return G1.fromAffine({ x, y });
}

export function parseG2(v: unknown, field: string): G2Point {
  const [xv, yv, zv] = parseArray(v, field, 3);
  const [x0, x1] = parseArray(xv, `${field}[0]`, 2).map((c, i) => parseFp(c, `${field}[0][${i}]`));
  const [y0, y1] = parseArray(yv, `${field}[1]`, 2).map((c, i) => parseFp(c, `${field}[1][${i}]`));
  const [z0, z1] = parseArray(zv, `${field}[2]`, 2).map((c, i) => parseFp(c, `${field}[2][${i}]`));
  if (z0 === 0n && z1 === 0n) {
    if (x0 !== 0n || x1 !== 0n || y0 !== 1n || y1 !== 0n)
      fail(ZkErrorCode.NOT_CANONICAL, field, 'infinity must be [[0,0],[1,0],[0,0]]');
    return G2.ZERO;
  }
  if (z0 !== 1n || z1 !== 0n) fail(ZkErrorCode.NOT_CANONICAL, field, 'z must be [1, 0] (affine)');
  const Fp2 = bn254.fields.Fp2;
  const x = { c0: x0!, c1: x1! };
  const y = { c0: y0!, c1: y1! };
  // Twist: y² = x³ + b' with b' = 3 / (9 + u).
  const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2.CURVE().b);
  if (!Fp2.eql(Fp2.sqr(y), rhs)) fail(ZkErrorCode.NOT_ON_CURVE, field, 'not on the BN254 twist');
  const q = G2.fromAffine({ x, y });
  try {
    q.assertValidity(); // on the twist (checked above) and torsion-free: r·Q = 0
  } catch {
    fail(ZkErrorCode.NOT_IN_SUBGROUP, field, 'not in the order-r subgroup');
  }
  return q;
}

/** Public signals: an array of exactly `n` canonical decimals, each < r. */
export function parsePublicSignals(v: unknown, n: number): bigint[] {
  return parseArray(v, 'publicSignals', n).map((s, i) => {
    const field = `publicSignals[${i}]`;
    if (typeof s !== 'string') fail(ZkErrorCode.MALFORMED, field, 'expected a decimal string');
    if (s.length > 80 || !DECIMAL.test(s))
      fail(ZkErrorCode.NOT_CANONICAL, field, 'not a canonical decimal integer');
    const x = BigInt(s);
    if (x >= R) fail(ZkErrorCode.PUBLIC_INPUT_RANGE, field, 'public input ≥ r');
    return x;
  });
}

export function expectTag(
  o: Record<string, unknown>,
  key: string,
  want: string,
  field: string,
): void {
  if (o[key] !== want)
    fail(
      ZkErrorCode.UNSUPPORTED,
      `${field}.${key}`,
      `expected "${want}", got ${JSON.stringify(o[key])}`,
    );
}

/** e(P1,Q1)·…·e(Pk,Qk) == 1; pairs with an infinity point contribute 1. */
export function pairingIsOne(pairs: readonly { g1: G1Point; g2: G2Point }[]): boolean {
  const live = pairs.filter((p) => !p.g1.is0() && !p.g2.is0());
  const Fp12 = bn254.fields.Fp12;
  return Fp12.eql(bn254.pairingBatch(live), Fp12.ONE);
}
