import { bls12_381 } from '@noble/curves/bls12-381.js';
import { CryptoError, CryptoErrorCode } from '../errors.ts';

/** An Fp2 element c0 + c1·u. */
export interface Fp2Element {
  c0: bigint;
  c1: bigint;
}

/**
 * RFC 9380 hash_to_curve for G2 (suite BLS12381G2_XMD:SHA-256_SSWU_RO_) with any DST, as an
 * affine point. Backend-independent: it runs on noble, because @chainsafe/blst has no
 * hash-to-G2 entry point (it hashes only inside sign/verify with its fixed DST).
 */
export function hashToG2(
  message: Uint8Array,
  dst: string | Uint8Array,
): { x: Fp2Element; y: Fp2Element } {
  if (!(message instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'hashToG2 message must be a Uint8Array');
  }
  const { x, y } = bls12_381.G2.hashToCurve(message, { DST: dst }).toAffine();
  return { x: { c0: x.c0, c1: x.c1 }, y: { c0: y.c0, c1: y.c1 } };
}
