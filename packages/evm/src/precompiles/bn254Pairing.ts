import { decodeG1, decodeG2, type G1Point, type G2Point, pairingIsOne } from './_bn254.ts';
import { FAIL } from './_common.ts';
import type { Precompile } from './types.ts';

/** EIP-1108: 45000 + 34000 per pair from Istanbul. */
const BASE_GAS = 45000n;
const PAIR_GAS = 34000n;
const PAIR_BYTES = 192;

/**
 * 0x08 bn254 pairing check (EIP-197): k pairs (G1 64 bytes ‖ G2 128 bytes); the input length
 * must be a multiple of 192 (k = 0 is allowed and is true). Output: 32-byte 1 when the product
 * of the pairings is 1, else 0. Any invalid point fails the call.
 */
export const bn254Pairing: Precompile = (input, gasLimit) => {
  if (input.length % PAIR_BYTES !== 0) return FAIL;
  const k = input.length / PAIR_BYTES;
  const gas = BASE_GAS + PAIR_GAS * BigInt(k);
  if (gas > gasLimit) return FAIL;
  const pairs: { g1: G1Point; g2: G2Point }[] = [];
  for (let i = 0; i < k; i++) {
    const at = i * PAIR_BYTES;
    const g1 = decodeG1(input.subarray(at, at + 64));
    const g2 = decodeG2(input.subarray(at + 64, at + PAIR_BYTES));
    if (g1 === null || g2 === null) return FAIL;
    pairs.push({ g1, g2 });
  }
  const output = new Uint8Array(32);
  if (pairingIsOne(pairs)) output[31] = 1;
  return { ok: true, gasUsed: gas, output };
};
