import { decodeG1, encodeG1 } from './_bn254.ts';
import { FAIL, readPadded } from './_common.ts';
import type { Precompile } from './types.ts';

/** EIP-1108: ECADD costs 150 from Istanbul. */
const GAS = 150n;

/** 0x06 bn254 ECADD (EIP-196): two G1 points (input zero-padded to 128 bytes) → their sum. */
export const bn254Add: Precompile = (input, gasLimit) => {
  if (GAS > gasLimit) return FAIL;
  const data = readPadded(input, 0, 128);
  const a = decodeG1(data.subarray(0, 64));
  const b = decodeG1(data.subarray(64, 128));
  if (a === null || b === null) return FAIL;
  return { ok: true, gasUsed: GAS, output: encodeG1(a.add(b)) };
};
