/** An L2 block as the sequencer posts it: `rlp([number, timestamp, l1Origin, txs])`. */
export interface L2BlockData {
  readonly number: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  /** The L1 block whose deposits (and all earlier ones) are applied by this block. */
  readonly l1Origin: bigint;
  /** Raw signed Ethereum transactions (EIP-2718 envelopes or legacy RLP). */
  readonly txs: readonly Uint8Array[];
}

/** A batch: consecutive L2 blocks following `parentHash`. */
export interface Batch {
  readonly index: bigint;
  /** Hash of the L2 block before the first block of this batch. */
  readonly parentHash: Uint8Array;
  readonly blocks: readonly L2BlockData[];
}

/** An L1 `Bridge.Deposit` event. */
export interface Deposit {
  readonly nonce: bigint;
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  readonly value: bigint;
  readonly data: Uint8Array;
  /** The L1 block that emitted it. */
  readonly l1Block: bigint;
}

/** An L2 `L2Bridge.MessagePassed` event: one leaf of the withdrawal tree. */
export interface WithdrawalMessage {
  readonly nonce: bigint;
  readonly sender: Uint8Array;
  readonly target: Uint8Array;
  readonly value: bigint;
  readonly data: Uint8Array;
}
