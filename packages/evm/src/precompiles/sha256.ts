import { sha256 as sha256Hash } from '@keel/crypto/hashes';
import { charge, words } from './_common.ts';
import type { Precompile } from './types.ts';

/** 0x02 SHA2-256 (Yellow Paper appendix E): 60 + 12 per word. */
export const sha256: Precompile = (input, gasLimit) =>
  charge(60n + 12n * words(input.length), gasLimit, () => sha256Hash(input));
