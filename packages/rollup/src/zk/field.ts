import { R } from './bn254.ts';
import { ZkError, ZkErrorCode } from './errors.ts';

/** Arithmetic in the BN254 scalar field Fr on canonical bigints in [0, r). */
export const mul = (a: bigint, b: bigint): bigint => (a * b) % R;
export const add = (a: bigint, b: bigint): bigint => (a + b) % R;
export const sub = (a: bigint, b: bigint): bigint => (a - b + R) % R;
export const neg = (a: bigint): bigint => (a === 0n ? 0n : R - a);

export function pow(a: bigint, e: bigint): bigint {
  let r = 1n;
  let b = a % R;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return r;
}

/** a⁻¹ by the extended Euclidean algorithm; 0 has none. */
export function inv(a: bigint): bigint {
  let [r0, r1, s0, s1] = [R, a % R, 0n, 1n];
  if (r1 === 0n) throw new ZkError(ZkErrorCode.MALFORMED, 'inverse of zero in Fr');
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return s0 < 0n ? s0 + R : s0;
}

/**
 * Montgomery's trick: the inverses of `xs` from one inversion of their product (or, when the
 * prover supplied that inverse as `productInverse`, from none — it is checked instead).
 * Returns undefined when some element is 0 or `productInverse` is not the product's inverse.
 */
export function batchInverse(xs: readonly bigint[], productInverse?: bigint): bigint[] | undefined {
  const prefix = new Array<bigint>(xs.length);
  let acc = 1n;
  for (let i = 0; i < xs.length; i++) {
    prefix[i] = acc;
    acc = (acc * xs[i]!) % R;
  }
  if (acc === 0n) return undefined;
  let t: bigint;
  if (productInverse === undefined) t = inv(acc);
  else if ((acc * productInverse) % R === 1n) t = productInverse;
  else return undefined;
  const out = new Array<bigint>(xs.length);
  for (let i = xs.length - 1; i >= 0; i--) {
    out[i] = (t * prefix[i]!) % R;
    t = (t * xs[i]!) % R;
  }
  return out;
}

/** Fr has 2-adicity 28; ffjavascript (snarkjs) roots its 2^k-th roots of unity at 5^((r−1)/2^28). */
export const TWO_ADICITY = 28;
const ROOTS: bigint[] = (() => {
  const w = new Array<bigint>(TWO_ADICITY + 1);
  w[TWO_ADICITY] = pow(5n, (R - 1n) >> BigInt(TWO_ADICITY));
  for (let k = TWO_ADICITY; k > 0; k--) w[k - 1] = mul(w[k]!, w[k]!);
  return w;
})();

/** The generator of the order-2^k subgroup snarkjs uses for a domain of size 2^k. */
export function rootOfUnity(k: number): bigint {
  const w = ROOTS[k];
  if (w === undefined || !Number.isInteger(k))
    throw new ZkError(ZkErrorCode.UNSUPPORTED, `no 2^${k}-th root of unity in Fr`);
  return w;
}
