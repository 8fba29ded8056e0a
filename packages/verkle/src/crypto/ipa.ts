import { type Element, elementEquals, GENERATOR } from './banderwagon.ts';
import { evaluationVector } from './barycentric.ts';
import { getCRS, VECTOR_WIDTH } from './crs.ts';
import { batchInvert, FR_MODULUS } from './field.ts';
import { commitSparse, commitToPoly, msm } from './msm.ts';
import type { Transcript } from './transcript.ts';

const R = FR_MODULUS;
export const IPA_ROUNDS = 8;

/** An inner-product argument over the 256-wide CRS (go-ipa layout). */
export interface IPAProof {
  readonly L: readonly Element[];
  readonly R: readonly Element[];
  readonly a: bigint;
}

function inner(a: readonly bigint[], b: readonly bigint[]): bigint {
  let s = 0n;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s % R;
}

function fold(lo: readonly bigint[], hi: readonly bigint[], x: bigint): bigint[] {
  return lo.map((v, i) => (v + x * hi[i]!) % R);
}

/** <scalars, basis>: the CRS itself through the fixed tables, later folded bases by MSM. */
function commitOver(basis: readonly Element[] | number, scalars: readonly bigint[]): Element {
  if (typeof basis === 'number') {
    return commitSparse(scalars.map((s, i) => [basis + i, s] as const));
  }
  return msm(basis, scalars);
}

/**
 * Proves <a, b(z)> = y for the commitment C = <a, G> (go-ipa CreateIPAProof): labels "ipa",
 * "C", "input point", "output point", "w", then per round "L", "R", "x".
 */
export function createIPAProof(
  transcript: Transcript,
  commitment: Element,
  poly: readonly bigint[],
  z: bigint,
): IPAProof {
  transcript.domainSep('ipa');
  let a = poly.slice();
  let b = evaluationVector(z);
  const y = inner(a, b);
  transcript.appendPoint(commitment, 'C');
  transcript.appendScalar(z, 'input point');
  transcript.appendScalar(y, 'output point');
  const w = transcript.challengeScalar('w');
  const q = GENERATOR.mul(w);
  // The first round's halves are CRS slices (offset numbers), later rounds folded points.
  let basis: readonly Element[] | undefined;
  const L: Element[] = [];
  const Rs: Element[] = [];
  for (let round = 0; round < IPA_ROUNDS; round++) {
    const half = a.length / 2;
    const aL = a.slice(0, half);
    const aR = a.slice(half);
    const bL = b.slice(0, half);
    const bR = b.slice(half);
    const gL = basis === undefined ? 0 : basis.slice(0, half);
    const gR = basis === undefined ? half : basis.slice(half);
    const zL = inner(aR, bL);
    const zR = inner(aL, bR);
    const cL = commitOver(gL, aR).add(q.mul(zL));
    const cR = commitOver(gR, aL).add(q.mul(zR));
    L.push(cL);
    Rs.push(cR);
    transcript.appendPoint(cL, 'L');
    transcript.appendPoint(cR, 'R');
    const x = transcript.challengeScalar('x');
    const [xInv] = batchInvert([x], R) as [bigint];
    a = fold(aL, aR, x);
    b = fold(bL, bR, xInv);
    if (basis === undefined) {
      // G_i + x⁻¹·G_{i+128} over CRS points: through their fixed-base tables (about 52 mixed
      // additions each instead of a 253-bit variable-base multiplication).
      const crs = getCRS();
      basis = crs.slice(0, half).map((g, i) => g.add(commitSparse([[half + i, xInv]])));
    } else {
      const lo = basis.slice(0, half);
      const hi = basis.slice(half);
      basis = lo.map((g, i) => g.add(hi[i]!.mul(xInv)));
    }
  }
  return { L, R: Rs, a: a[0]! };
}

/**
 * Checks an IPA proof for commitment C, point z and claimed value y. The whole check is one
 * equation: C + (y - a·b0)·q + Σ xᵢLᵢ + xᵢ⁻¹Rᵢ = a·<s, G>, with s the folding scalars.
 */
export function checkIPAProof(
  transcript: Transcript,
  commitment: Element,
  proof: IPAProof,
  z: bigint,
  y: bigint,
): boolean {
  transcript.domainSep('ipa');
  if (proof.L.length !== IPA_ROUNDS || proof.R.length !== IPA_ROUNDS) return false;
  const b = evaluationVector(z);
  transcript.appendPoint(commitment, 'C');
  transcript.appendScalar(z, 'input point');
  transcript.appendScalar(y, 'output point');
  const w = transcript.challengeScalar('w');
  const xs: bigint[] = [];
  for (let i = 0; i < IPA_ROUNDS; i++) {
    transcript.appendPoint(proof.L[i]!, 'L');
    transcript.appendPoint(proof.R[i]!, 'R');
    xs.push(transcript.challengeScalar('x'));
  }
  const xInv = batchInvert(xs, R);
  if (xInv.some((v) => v === 0n)) return false;
  const s = new Array<bigint>(VECTOR_WIDTH);
  for (let i = 0; i < VECTOR_WIDTH; i++) {
    let v = 1n;
    for (let k = 0; k < IPA_ROUNDS; k++)
      if (i & (1 << (IPA_ROUNDS - 1 - k))) v = (v * xInv[k]!) % R;
    s[i] = v;
  }
  const b0 = inner(b, s);
  const a = proof.a;
  const qCoeff = (((w * ((y - a * b0) % R)) % R) + R) % R;
  const lhs = msm([commitment, GENERATOR, ...proof.L, ...proof.R], [1n, qCoeff, ...xs, ...xInv]);
  const rhs = commitToPoly(s.map((v) => (v * a) % R));
  return elementEquals(lhs, rhs);
}
