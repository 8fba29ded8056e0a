import { charge, words } from './_common.ts';
import type { Precompile } from './types.ts';

/** 0x04 identity (Yellow Paper appendix E): 15 + 3 per word; a copy of the input. */
export const identity: Precompile = (input, gasLimit) =>
  charge(15n + 3n * words(input.length), gasLimit, () => input.slice());
