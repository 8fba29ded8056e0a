import type { PrecompileResult } from './types.ts';

export const FAIL: PrecompileResult = { ok: false };

/** ceil(len / 32): the word count the linear-cost precompiles charge for. */
export function words(len: number): bigint {
  return BigInt(Math.ceil(len / 32));
}

/** `output` at `cost`, or a failure when `cost` exceeds `gasLimit`. */
export function charge(cost: bigint, gasLimit: bigint, output: () => Uint8Array): PrecompileResult {
  if (cost > gasLimit) return FAIL;
  return { ok: true, gasUsed: cost, output: output() };
}

/**
 * `len` bytes of `input` from `offset`, zero-padded past its end (the precompiles read their
 * input as if followed by infinitely many zeros). `len` must be small (the caller bounds it).
 */
export function readPadded(input: Uint8Array, offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (offset < input.length) out.set(input.subarray(offset, Math.min(input.length, offset + len)));
  return out;
}
