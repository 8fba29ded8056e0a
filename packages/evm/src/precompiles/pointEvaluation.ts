import { BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB, kzgToVersionedHash } from '@keel/crypto/kzg';
import { bigIntToBytes, equalBytes } from '@keel/util';
import { FAIL } from './_common.ts';
import type { Precompile } from './types.ts';

/** EIP-4844 POINT_EVALUATION_PRECOMPILE_GAS. */
const GAS = 50000n;
const INPUT_BYTES = 192;

/** FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS as 32-byte big-endian words. */
const OUTPUT = new Uint8Array(64);
OUTPUT.set(bigIntToBytes(BigInt(FIELD_ELEMENTS_PER_BLOB), 32), 0);
OUTPUT.set(bigIntToBytes(BLS_MODULUS, 32), 32);

/**
 * 0x0a point evaluation (EIP-4844). Input exactly 192 bytes: versioned_hash ‖ z ‖ y ‖
 * commitment (48) ‖ proof (48). The versioned hash must be 0x01 ‖ sha256(commitment)[1:], and
 * the KZG proof must show p(z) = y; any failure — including a non-canonical z or y, a commitment
 * or proof that is not a G1 point, or no KZG backend — fails the call.
 */
export const pointEvaluation: Precompile = (input, gasLimit, ctx) => {
  if (GAS > gasLimit) return FAIL;
  if (input.length !== INPUT_BYTES) return FAIL;
  const versionedHash = input.subarray(0, 32);
  const z = input.subarray(32, 64);
  const y = input.subarray(64, 96);
  const commitment = input.subarray(96, 144);
  const proof = input.subarray(144, 192);
  if (!equalBytes(versionedHash, kzgToVersionedHash(commitment))) return FAIL;
  if (ctx.kzg === undefined) return FAIL;
  let valid: boolean;
  try {
    valid = ctx.kzg.verifyKzgProof(commitment, z, y, proof);
  } catch {
    // CryptoError: a non-canonical field element or an invalid point (EIP-4844: the call fails).
    return FAIL;
  }
  if (!valid) return FAIL;
  return { ok: true, gasUsed: GAS, output: OUTPUT.slice() };
};
