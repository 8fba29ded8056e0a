import { ripemd160 as ripemd160Hash } from '@keel/crypto/hashes';
import { charge, words } from './_common.ts';
import type { Precompile } from './types.ts';

/** 0x03 RIPEMD-160 (Yellow Paper appendix E): 600 + 120 per word; the digest left-padded to 32. */
export const ripemd160: Precompile = (input, gasLimit) =>
  charge(600n + 120n * words(input.length), gasLimit, () => {
    const out = new Uint8Array(32);
    out.set(ripemd160Hash(input), 12);
    return out;
  });
