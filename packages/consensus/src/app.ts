import type { Block } from './types.ts';
import type { ValidatorInfo } from './validatorSet.ts';

export interface ProposeContext {
  readonly parentHash: Uint8Array;
  readonly height: number;
  readonly view: number;
}

/**
 * The application a chain runs (a ledger in a node, a counter in the simulator). Consensus
 * orders opaque payloads; the application builds and checks them. Calls are synchronous and
 * must be deterministic for a given block.
 */
export interface App {
  /** The payload of a new block this node proposes. */
  proposePayload(ctx: ProposeContext): Uint8Array;
  /** Whether a proposed block's payload is acceptable; a node never votes for one that is not. */
  validatePayload(block: Block, hash: Uint8Array): boolean;
  /** Called once per block, in height order, when it is committed (final). */
  onCommit(block: Block, hash: Uint8Array): void;
  /**
   * Epochs only (`params.epochLength` L > 0). Called right after `onCommit` of every block at a
   * height k·L (the last block of epoch k-1): the complete validator list of epoch k+1, as the
   * committed state after this block defines it (staking, unbonding, slashing and jailing
   * applied). Rules (checked; a violation halts the node with ERR_CONSENSUS_INVALID_EPOCH_SET):
   * the list starts with every member of epoch k's list, at the same index with the same BLS
   * key (stake may change, 0 = out of the set); new keys are appended, each with a proof of
   * possession. `undefined` (or not implementing this) keeps epoch k's list unchanged, so an
   * app without staking runs exactly as with no epochs. Must be a pure function of the
   * committed chain: every node computes the same list.
   */
  nextEpochValidators?(
    block: Block,
    hash: Uint8Array,
    nextEpoch: number,
  ): readonly ValidatorInfo[] | undefined;
}
