/** Protocol parameters. Parameters are data: one object per preset. */
export interface ConsensusParams {
  /** First view timeout, ms. */
  readonly baseTimeoutMs: number;
  /** Each consecutive view without a QC multiplies the timeout by this. */
  readonly timeoutBackoff: number;
  /** Upper bound on a view timeout, ms. */
  readonly maxTimeoutMs: number;
  /** Halt instead of moving the certified head to a fork deeper than this many blocks. */
  readonly reorgDepthLimit: number;
  /** Timeouts for views further ahead than this are ignored (future-view spam). */
  readonly maxFutureViews: number;
  /** How many ancestors one block request may ask for. */
  readonly maxBlocksPerRequest: number;
  /** Blocks older than this many heights below the committed head are pruned. */
  readonly retainCommittedBlocks: number;
}

export const defaultConsensusParams: ConsensusParams = {
  baseTimeoutMs: 1000,
  timeoutBackoff: 1.5,
  maxTimeoutMs: 60_000,
  reorgDepthLimit: 1000,
  maxFutureViews: 10_000,
  maxBlocksPerRequest: 128,
  retainCommittedBlocks: 4096,
};

/** A fast preset for tests and the simulator (millisecond-scale simulated latencies). */
export const simConsensusParams: ConsensusParams = {
  ...defaultConsensusParams,
  baseTimeoutMs: 400,
  maxTimeoutMs: 10_000,
};

/** The timeout for a view entered after `consecutiveTimeouts` views that ended without a QC. */
export function viewTimeoutMs(params: ConsensusParams, consecutiveTimeouts: number): number {
  const t = params.baseTimeoutMs * params.timeoutBackoff ** Math.min(consecutiveTimeouts, 64);
  return Math.min(Math.round(t), params.maxTimeoutMs);
}
