import { bytesToBigInt } from '@keel/util';
import { BN254_ORDER, decodeG1, encodeG1 } from './_bn254.ts';
import { FAIL, readPadded } from './_common.ts';
import type { Precompile } from './types.ts';

/** EIP-1108: ECMUL costs 6000 from Istanbul. */
const GAS = 6000n;

/**
 * 0x07 bn254 ECMUL (EIP-196): G1 point ‖ 32-byte scalar (input zero-padded to 96 bytes) → s·P.
 * Any 256-bit scalar is allowed; the group has order n, so s mod n gives the same point.
 */
export const bn254Mul: Precompile = (input, gasLimit) => {
  if (GAS > gasLimit) return FAIL;
  const data = readPadded(input, 0, 96);
  const p = decodeG1(data.subarray(0, 64));
  if (p === null) return FAIL;
  const s = bytesToBigInt(data.subarray(64, 96)) % BN254_ORDER;
  return { ok: true, gasUsed: GAS, output: encodeG1(p.multiplyUnsafe(s)) };
};
