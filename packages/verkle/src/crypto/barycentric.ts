import { VECTOR_WIDTH } from './crs.ts';
import { batchInvert, FR_MODULUS, invert } from './field.ts';

const R = FR_MODULUS;

interface Weights {
  /** A'(i) = Π_{j≠i} (i - j) */
  w: bigint[];
  wInv: bigint[];
  /** 1/k for k = 1..255, at index k */
  inv: bigint[];
}

let cached: Weights | undefined;

/** Barycentric weights of the evaluation domain 0..255 (computed once). */
function weights(): Weights {
  if (cached !== undefined) return cached;
  const w: bigint[] = [];
  for (let i = 0; i < VECTOR_WIDTH; i++) {
    let t = 1n;
    for (let j = 0; j < VECTOR_WIDTH; j++) if (j !== i) t = (t * BigInt(i - j)) % R;
    w.push(((t % R) + R) % R);
  }
  const wInv = batchInvert(w, R);
  const inv = [
    0n,
    ...batchInvert(
      Array.from({ length: VECTOR_WIDTH - 1 }, (_, k) => BigInt(k + 1)),
      R,
    ),
  ];
  cached = { w, wInv, inv };
  return cached;
}

/** Lagrange basis of the domain 0..255 evaluated at `z` (z outside the domain), Σ = b·f gives f(z). */
export function barycentricCoefficients(z: bigint): bigint[] {
  const { w } = weights();
  const dens: bigint[] = [];
  let total = 1n;
  for (let i = 0; i < VECTOR_WIDTH; i++) {
    const d = (((z - BigInt(i)) % R) + R) % R;
    total = (total * d) % R;
    dens.push((d * w[i]!) % R);
  }
  const invs = batchInvert(dens, R);
  return invs.map((x) => (x * total) % R);
}

/** The b vector of an opening at `z`: the unit vector inside the domain, barycentric outside. */
export function evaluationVector(z: bigint): bigint[] {
  if (z < BigInt(VECTOR_WIDTH)) {
    const b = new Array<bigint>(VECTOR_WIDTH).fill(0n);
    b[Number(z)] = 1n;
    return b;
  }
  return barycentricCoefficients(z);
}

/** (f(X) - f(m)) / (X - m) in evaluation form over the domain, for m in the domain. */
export function divideOnDomain(m: number, f: readonly bigint[]): bigint[] {
  const { w, wInv, inv } = weights();
  const q = new Array<bigint>(VECTOR_WIDTH).fill(0n);
  const y = f[m]!;
  let qm = 0n;
  for (let i = 0; i < VECTOR_WIDTH; i++) {
    if (i === m) continue;
    const den = i - m;
    const denInv = den > 0 ? inv[den]! : R - inv[-den]!;
    const qi = (((f[i]! - y) % R) * denInv) % R;
    q[i] = qi < 0n ? qi + R : qi;
    qm -= (((w[m]! * wInv[i]!) % R) * q[i]!) % R;
  }
  q[m] = ((qm % R) + R) % R;
  return q;
}

/** 1 / x mod r */
export function invertScalar(x: bigint): bigint {
  return invert(x, R);
}
