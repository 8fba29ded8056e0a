import { VerkleError, VerkleErrorCode } from '../errors.ts';
import { deserializeElement, type Element, serializeElement } from './banderwagon.ts';
import { divideOnDomain } from './barycentric.ts';
import { VECTOR_WIDTH } from './crs.ts';
import { batchInvert, bytesToNumberLE, FR_MODULUS, scalarToBytesLE } from './field.ts';
import { checkIPAProof, createIPAProof, IPA_ROUNDS, type IPAProof } from './ipa.ts';
import { commitToPoly, msm } from './msm.ts';
import type { Transcript } from './transcript.ts';

const R = FR_MODULUS;
/** D ‖ L[8] ‖ R[8] ‖ a (32-byte little-endian scalar). */
export const MULTIPROOF_SIZE = 32 + 2 * IPA_ROUNDS * 32 + 32;

export interface MultiProof {
  readonly D: Element;
  readonly ipa: IPAProof;
}

/** An opening the prover knows the polynomial of. */
export interface ProverQuery {
  readonly commitment: Element;
  /** evaluations on the domain 0..255 */
  readonly poly: readonly bigint[];
  readonly z: number;
}

/** An opening claim the verifier checks: C(z) = y. */
export interface VerifierQuery {
  readonly commitment: Element;
  readonly z: number;
  readonly y: bigint;
}

/** go-ipa CreateMultiProof: labels "multiproof", per query "C" "z" "y", then "r", "D", "t", "E". */
export function createMultiProof(
  transcript: Transcript,
  queries: readonly ProverQuery[],
): MultiProof {
  if (queries.length === 0) {
    throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'a multiproof needs at least one query');
  }
  transcript.domainSep('multiproof');
  for (const q of queries) {
    if (q.poly.length !== VECTOR_WIDTH || !(q.z >= 0 && q.z < VECTOR_WIDTH)) {
      throw new VerkleError(
        VerkleErrorCode.INVALID_INPUT,
        'query polynomial or point out of range',
      );
    }
    transcript.appendPoint(q.commitment, 'C');
    transcript.appendScalar(BigInt(q.z), 'z');
    transcript.appendScalar(q.poly[q.z]!, 'y');
  }
  const r = transcript.challengeScalar('r');
  const grouped = new Map<number, bigint[]>();
  let power = 1n;
  for (const q of queries) {
    let g = grouped.get(q.z);
    if (g === undefined) {
      g = new Array<bigint>(VECTOR_WIDTH).fill(0n);
      grouped.set(q.z, g);
    }
    for (let j = 0; j < VECTOR_WIDTH; j++) g[j] = (g[j]! + power * q.poly[j]!) % R;
    power = (power * r) % R;
  }
  const gx = new Array<bigint>(VECTOR_WIDTH).fill(0n);
  for (const [z, f] of grouped) {
    const quotient = divideOnDomain(z, f);
    for (let j = 0; j < VECTOR_WIDTH; j++) gx[j] = (gx[j]! + quotient[j]!) % R;
  }
  const D = commitToPoly(gx);
  transcript.appendPoint(D, 'D');
  const t = transcript.challengeScalar('t');
  const zs = [...grouped.keys()];
  const denInv = batchInvert(
    zs.map((z) => (((t - BigInt(z)) % R) + R) % R),
    R,
  );
  const hx = new Array<bigint>(VECTOR_WIDTH).fill(0n);
  zs.forEach((z, k) => {
    const f = grouped.get(z)!;
    for (let j = 0; j < VECTOR_WIDTH; j++) hx[j] = (hx[j]! + f[j]! * denInv[k]!) % R;
  });
  const E = commitToPoly(hx);
  transcript.appendPoint(E, 'E');
  const hMinusG = hx.map((h, j) => (((h - gx[j]!) % R) + R) % R);
  const ipa = createIPAProof(transcript, E.subtract(D), hMinusG, t);
  return { D, ipa };
}

/** go-ipa CheckMultiProof. Returns false for any failing or malformed claim set. */
export function verifyMultiProof(
  transcript: Transcript,
  proof: MultiProof,
  queries: readonly VerifierQuery[],
): boolean {
  if (queries.length === 0) return false;
  transcript.domainSep('multiproof');
  for (const q of queries) {
    if (!(q.z >= 0 && q.z < VECTOR_WIDTH) || q.y < 0n || q.y >= R) return false;
    transcript.appendPoint(q.commitment, 'C');
    transcript.appendScalar(BigInt(q.z), 'z');
    transcript.appendScalar(q.y, 'y');
  }
  const r = transcript.challengeScalar('r');
  transcript.appendPoint(proof.D, 'D');
  const t = transcript.challengeScalar('t');
  const den = Array.from({ length: VECTOR_WIDTH }, (_, i) => (((t - BigInt(i)) % R) + R) % R);
  if (den.some((d) => d === 0n)) return false;
  const denInv = batchInvert(den, R);
  // Coefficients are summed per commitment object: the same node opened at several points
  // costs one MSM term.
  const coeff = new Map<Element, bigint>();
  let g2t = 0n;
  let power = 1n;
  for (const q of queries) {
    const c = (power * denInv[q.z]!) % R;
    g2t = (g2t + c * q.y) % R;
    coeff.set(q.commitment, ((coeff.get(q.commitment) ?? 0n) + c) % R);
    power = (power * r) % R;
  }
  const E = msm([...coeff.keys()], [...coeff.values()]);
  transcript.appendPoint(E, 'E');
  return checkIPAProof(transcript, E.subtract(proof.D), proof.ipa, t, g2t);
}

export function serializeMultiProof(p: MultiProof): Uint8Array {
  const out = new Uint8Array(MULTIPROOF_SIZE);
  out.set(serializeElement(p.D), 0);
  for (let i = 0; i < IPA_ROUNDS; i++) {
    out.set(serializeElement(p.ipa.L[i]!), 32 + 32 * i);
    out.set(serializeElement(p.ipa.R[i]!), 32 + 32 * (IPA_ROUNDS + i));
  }
  out.set(scalarToBytesLE(p.ipa.a), MULTIPROOF_SIZE - 32);
  return out;
}

/** Decodes the 576-byte form; every point is checked, the scalar must be canonical. */
export function deserializeMultiProof(bytes: Uint8Array): MultiProof {
  if (!(bytes instanceof Uint8Array) || bytes.length !== MULTIPROOF_SIZE) {
    throw new VerkleError(
      VerkleErrorCode.INVALID_LENGTH,
      `multiproof must be ${MULTIPROOF_SIZE} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  }
  const pt = (off: number, what: string) => deserializeElement(bytes.subarray(off, off + 32), what);
  const D = pt(0, 'multiproof D');
  const L = Array.from({ length: IPA_ROUNDS }, (_, i) => pt(32 + 32 * i, `multiproof L[${i}]`));
  const Rs = Array.from({ length: IPA_ROUNDS }, (_, i) =>
    pt(32 + 32 * (IPA_ROUNDS + i), `multiproof R[${i}]`),
  );
  const a = bytesToNumberLE(bytes.subarray(MULTIPROOF_SIZE - 32));
  if (a >= R) {
    throw new VerkleError(VerkleErrorCode.INVALID_SCALAR, 'multiproof final scalar is not below r');
  }
  return { D, ipa: { L, R: Rs, a } };
}
