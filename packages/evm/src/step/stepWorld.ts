import type { WorldState } from '../state/types.ts';
import type { StepSnapshot } from './stepState.ts';
import type { TxSets } from './txSets.ts';

/** A world a step machine can commit to: accounts root, per-tx sets, checkpoint snapshots. */
export interface StepWorld extends WorldState {
  readonly sets: TxSets;
  /** The world as it was when `checkpoint` (a `checkpoint()` id) was opened. */
  snapshotAt(checkpoint: number): StepSnapshot;
  /** The current accounts root (the state trie's root). */
  accountsRoot(): Uint8Array;
  /** keccak256 of the current `sets.encode()`. */
  setsHash(): Uint8Array;
}
