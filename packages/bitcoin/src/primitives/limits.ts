/** Consensus size limits (Bitcoin Core consensus/consensus.h, policy-independent). */
export const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;
export const MAX_BLOCK_WEIGHT = 4_000_000;
export const WITNESS_SCALE_FACTOR = 4;
export const MAX_BLOCK_SIGOPS_COST = 80_000;
export const MAX_SCRIPT_SIZE = 10_000;
export const MAX_MONEY = 21_000_000n * 100_000_000n;

/** Limits for decoding; wire data defaults to the consensus maxima. */
export interface DecodeLimits {
  /** Largest serialization accepted (bytes). */
  maxSize: number;
  /** Largest single script or witness item accepted (bytes). */
  maxItemSize: number;
}

export const defaultDecodeLimits: DecodeLimits = {
  maxSize: MAX_BLOCK_SERIALIZED_SIZE,
  maxItemSize: MAX_BLOCK_SERIALIZED_SIZE,
};
