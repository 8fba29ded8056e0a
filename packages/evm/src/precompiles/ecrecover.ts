import { keccak256 } from '@keel/crypto/hashes';
import { ecdsaRecover } from '@keel/crypto/secp256k1';
import { bytesToBigInt } from '@keel/util';
import { FAIL, readPadded } from './_common.ts';
import type { Precompile } from './types.ts';

const GAS = 3000n;
const EMPTY = new Uint8Array(0);

/**
 * 0x01 ECRECOVER (Yellow Paper appendix E): input hash ‖ v ‖ r ‖ s (32-byte words, zero-padded
 * to 128 bytes). v must be 27 or 28 and r, s in [1, n-1] (no low-s rule here); anything that does
 * not recover gives an empty output at full cost, not a failure. Output: the 20-byte address
 * left-padded to 32.
 */
export const ecrecover: Precompile = (input, gasLimit) => {
  if (GAS > gasLimit) return FAIL;
  return { ok: true, gasUsed: GAS, output: recoverAddress(readPadded(input, 0, 128)) };
};

function recoverAddress(data: Uint8Array): Uint8Array {
  const v = bytesToBigInt(data.subarray(32, 64));
  if (v !== 27n && v !== 28n) return EMPTY;
  // r, s in [1, n-1] are checked by ecdsaRecover, which returns null for anything that does
  // not recover (r not an x coordinate, infinity).
  const pub = ecdsaRecover(data.subarray(64, 128), Number(v - 27n), data.subarray(0, 32));
  if (pub === null) return EMPTY;
  const out = new Uint8Array(32);
  out.set(keccak256(pub.subarray(1)).subarray(12), 12);
  return out;
}
