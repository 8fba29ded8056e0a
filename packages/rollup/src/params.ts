import { hexToBytes } from '@keel/util';

/** The L2 bridge predeploy (OP Stack's L2StandardBridge address, reused for familiarity). */
export const L2_BRIDGE_ADDRESS: Uint8Array = hexToBytes('4200000000000000000000000000000000000016');
/** OP's L1→L2 sender aliasing offset: an L1 contract cannot impersonate an L2 account. */
export const ALIAS_OFFSET = 0x1111000000000000000000000000000000001111n;
/** Depth of the per-batch withdrawal tree (≤ 65,536 withdrawals per batch). */
export const WITHDRAWAL_TREE_DEPTH = 16;
/** Bridge and L2Bridge cap a message's data at this many bytes. */
export const MAX_MESSAGE_DATA = 65_536;
/** Gas a deposit's message call gets on L2 (not charged to anyone). */
export const DEPOSIT_CALL_GAS = 1_000_000n;
/** Batch encoding version byte. */
export const BATCH_VERSION = 0x01;

/** Decoder and derivation limits. */
export interface BatchLimits {
  /** Maximum decompressed batch size in bytes. */
  readonly maxBatchBytes: number;
  /** Maximum L2 blocks in a batch. */
  readonly maxBlocks: number;
  /** Maximum transactions in one L2 block. */
  readonly maxTxsPerBlock: number;
  /** Maximum blobs per batch (EIP-4844 per-block maximum). */
  readonly maxBlobs: number;
}

export const defaultBatchLimits: BatchLimits = {
  maxBatchBytes: 4 * 1024 * 1024,
  maxBlocks: 4096,
  maxTxsPerBlock: 10_000,
  maxBlobs: 6,
};

/** The L2 chain's parameters (shared by sequencer and verifiers: consensus). */
export interface L2ChainParams {
  readonly chainId: bigint;
  /** Fee recipient of L2 blocks (the sequencer). */
  readonly coinbase: Uint8Array;
  readonly gasLimit: bigint;
  /** An L2 block's timestamp may run at most this many seconds ahead of its L1 inclusion block. */
  readonly maxTimestampDrift: bigint;
}

export const defaultL2ChainParams: L2ChainParams = {
  chainId: 901n,
  coinbase: new Uint8Array(20),
  gasLimit: 30_000_000n,
  maxTimestampDrift: 600n,
};
