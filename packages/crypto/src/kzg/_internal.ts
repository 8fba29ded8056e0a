import { copyBytes } from '@keel/util';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import {
  BYTES_PER_BLOB,
  BYTES_PER_COMMITMENT,
  BYTES_PER_FIELD_ELEMENT,
  BYTES_PER_PROOF,
} from './constants.ts';
import type { KzgBackend, KzgBackendName, KzgProofAndY } from './types.ts';

/**
 * What a library must provide: the six functions, trusted to be called only with inputs of the
 * right lengths and canonical field elements. Whatever else it rejects (it throws) can only be a
 * bad G1 point, which `createKzgBackend` turns into the spec's error.
 */
export interface RawKzg {
  blobToKzgCommitment(blob: Uint8Array): Uint8Array;
  computeKzgProof(blob: Uint8Array, z: Uint8Array): [Uint8Array, Uint8Array];
  computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array;
  verifyKzgProof(commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array): boolean;
  verifyBlobKzgProof(blob: Uint8Array, commitment: Uint8Array, proof: Uint8Array): boolean;
  verifyBlobKzgProofBatch(
    blobs: Uint8Array[],
    commitments: Uint8Array[],
    proofs: Uint8Array[],
  ): boolean;
}

/** BLS_MODULUS big-endian, for canonical field element checks without BigInt conversions. */
const MODULUS_BYTES = Uint8Array.from(
  '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001'.match(/../g) ?? [],
  (h) => Number.parseInt(h, 16),
);

/** True when the 32 bytes at `at` are a big-endian integer < BLS_MODULUS. */
function isCanonical(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < BYTES_PER_FIELD_ELEMENT; i++) {
    const x = b[at + i] as number;
    const m = MODULUS_BYTES[i] as number;
    if (x !== m) return x < m;
  }
  return false; // equal to the modulus
}

/** consensus-specs `bytes_to_bls_field`: 32 bytes, < BLS_MODULUS. */
export function assertFieldElement(b: Uint8Array, what: string): void {
  assertLength(b, BYTES_PER_FIELD_ELEMENT, what);
  if (!isCanonical(b, 0)) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_INPUT,
      `${what} is not a canonical field element`,
    );
  }
}

/** consensus-specs `blob_to_polynomial`: 131072 bytes, every 32-byte element < BLS_MODULUS. */
export function assertBlob(b: Uint8Array, what = 'blob'): void {
  assertLength(b, BYTES_PER_BLOB, what);
  for (let at = 0; at < BYTES_PER_BLOB; at += BYTES_PER_FIELD_ELEMENT) {
    if (!isCanonical(b, at)) {
      throw new CryptoError(
        CryptoErrorCode.INVALID_INPUT,
        `${what}: field element ${at / BYTES_PER_FIELD_ELEMENT} is not canonical`,
        { index: at / BYTES_PER_FIELD_ELEMENT },
      );
    }
  }
}

/** consensus-specs `validate_kzg_g1` as noble sees it (used only to name the bad input). */
function isValidG1(b: Uint8Array): boolean {
  try {
    bls12_381.G1.Point.fromBytes(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a library call whose inputs passed every check but the G1 points'. A throw means a point
 * is invalid: the error names the first one noble also rejects (both libraries and noble apply
 * `validate_kzg_g1`), so both backends throw the same CryptoError.
 */
function pointCall<T>(
  backend: KzgBackendName,
  fn: string,
  points: readonly (readonly [string, Uint8Array])[],
  call: () => T,
): T {
  try {
    return call();
  } catch (e) {
    const bad = points.find(([, p]) => !isValidG1(p));
    const cause = e instanceof Error ? e.message : String(e);
    throw new CryptoError(
      CryptoErrorCode.INVALID_POINT,
      bad
        ? `${fn}: ${bad[0]} is not a valid G1 point (compressed, on the curve, in the subgroup)`
        : `${fn}: the KZG library rejected the input`,
      { backend, cause: cause.slice(0, 200) },
    );
  }
}

/** A KzgBackend over a library: every input checked first, outputs copied to plain arrays. */
export function createKzgBackend(name: KzgBackendName, raw: RawKzg): KzgBackend {
  const g1 = (p: Uint8Array, len: number, what: string): readonly [string, Uint8Array] => {
    assertLength(p, len, what);
    return [what, p];
  };
  return {
    name,
    blobToKzgCommitment(blob) {
      assertBlob(blob);
      return copyBytes(raw.blobToKzgCommitment(blob));
    },
    computeKzgProof(blob, z): KzgProofAndY {
      assertBlob(blob);
      assertFieldElement(z, 'z');
      const [proof, y] = raw.computeKzgProof(blob, z);
      return { proof: copyBytes(proof), y: copyBytes(y) };
    },
    computeBlobKzgProof(blob, commitment) {
      assertBlob(blob);
      const c = g1(commitment, BYTES_PER_COMMITMENT, 'commitment');
      return copyBytes(
        pointCall(name, 'computeBlobKzgProof', [c], () =>
          raw.computeBlobKzgProof(blob, commitment),
        ),
      );
    },
    verifyKzgProof(commitment, z, y, proof) {
      const c = g1(commitment, BYTES_PER_COMMITMENT, 'commitment');
      assertFieldElement(z, 'z');
      assertFieldElement(y, 'y');
      const p = g1(proof, BYTES_PER_PROOF, 'proof');
      return pointCall(name, 'verifyKzgProof', [c, p], () =>
        raw.verifyKzgProof(commitment, z, y, proof),
      );
    },
    verifyBlobKzgProof(blob, commitment, proof) {
      assertBlob(blob);
      const c = g1(commitment, BYTES_PER_COMMITMENT, 'commitment');
      const p = g1(proof, BYTES_PER_PROOF, 'proof');
      return pointCall(name, 'verifyBlobKzgProof', [c, p], () =>
        raw.verifyBlobKzgProof(blob, commitment, proof),
      );
    },
    verifyBlobKzgProofBatch(blobs, commitments, proofs) {
      if (blobs.length !== commitments.length || blobs.length !== proofs.length) {
        throw new CryptoError(
          CryptoErrorCode.INVALID_INPUT,
          `verifyBlobKzgProofBatch: ${blobs.length} blobs, ${commitments.length} commitments and ${proofs.length} proofs (lengths must match)`,
        );
      }
      const points: (readonly [string, Uint8Array])[] = [];
      for (let i = 0; i < blobs.length; i++) {
        assertBlob(blobs[i] as Uint8Array, `blobs[${i}]`);
        points.push(g1(commitments[i] as Uint8Array, BYTES_PER_COMMITMENT, `commitments[${i}]`));
        points.push(g1(proofs[i] as Uint8Array, BYTES_PER_PROOF, `proofs[${i}]`));
      }
      if (blobs.length === 0) return true; // the spec's empty batch
      return pointCall(name, 'verifyBlobKzgProofBatch', points, () =>
        raw.verifyBlobKzgProofBatch([...blobs], [...commitments], [...proofs]),
      );
    },
  };
}
