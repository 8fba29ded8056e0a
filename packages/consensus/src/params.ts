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
  /**
   * Blocks per epoch (0: no epochs, the genesis set forever, exactly the pre-epoch protocol).
   * Epoch e (e >= 0) holds heights e·L+1 .. (e+1)·L. The set of epoch e+1 is fixed when the
   * last block of epoch e-1 (height e·L) commits, so it is known a whole epoch before use.
   */
  readonly epochLength: number;
  /** Epochs a leaving validator's stake stays slashable after it leaves the set. */
  readonly unbondingEpochs: number;
  /** Penalty for one proven equivocation, in basis points of the offender's bonded stake. */
  readonly slashFractionBps: number;
  /** Epochs a slashed validator is kept out of the set (stake 0) after the evidence commits. */
  readonly jailEpochs: number;
}

export const defaultConsensusParams: ConsensusParams = {
  baseTimeoutMs: 1000,
  timeoutBackoff: 1.5,
  maxTimeoutMs: 60_000,
  reorgDepthLimit: 1000,
  maxFutureViews: 10_000,
  maxBlocksPerRequest: 128,
  retainCommittedBlocks: 4096,
  epochLength: 0,
  unbondingEpochs: 14,
  slashFractionBps: 500,
  jailEpochs: 4,
};

/** Production epochs: 4,096 blocks (about 68 min at 1 s blocks), unbonding 14 epochs. */
export const epochConsensusParams: ConsensusParams = {
  ...defaultConsensusParams,
  epochLength: 4096,
};

/** A fast preset for tests and the simulator (millisecond-scale simulated latencies). */
export const simConsensusParams: ConsensusParams = {
  ...defaultConsensusParams,
  baseTimeoutMs: 400,
  maxTimeoutMs: 10_000,
};

/** The fast epoch preset for tests and the churn simulator: 8-block epochs, 2-epoch unbonding. */
export const simEpochConsensusParams: ConsensusParams = {
  ...simConsensusParams,
  epochLength: 8,
  unbondingEpochs: 2,
  jailEpochs: 2,
};

/** The timeout for a view entered after `consecutiveTimeouts` views that ended without a QC. */
export function viewTimeoutMs(params: ConsensusParams, consecutiveTimeouts: number): number {
  const t = params.baseTimeoutMs * params.timeoutBackoff ** Math.min(consecutiveTimeouts, 64);
  return Math.min(Math.round(t), params.maxTimeoutMs);
}
