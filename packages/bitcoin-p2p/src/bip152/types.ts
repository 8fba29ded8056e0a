import type { BlockHeader, Transaction } from '@keel/bitcoin/primitives';

/** BIP152 `PrefilledTransaction`, with its index made absolute (the wire form is differential). */
export interface PrefilledTransaction {
  /** Absolute position of the transaction in the block. */
  index: number;
  tx: Transaction;
}

/** BIP152 `HeaderAndShortIDs`: the payload of a `cmpctblock` message. */
export interface CmpctBlock {
  header: BlockHeader;
  /** u64 chosen by the sender, mixed into the short-id key. */
  nonce: bigint;
  /** 48-bit short ids (numbers below 2^48), one per non-prefilled transaction, in block order. */
  shortIds: number[];
  /** Prefilled transactions in increasing index order (at least the coinbase, by convention). */
  prefilled: PrefilledTransaction[];
}

/** BIP152 `BlockTransactionsRequest`: the payload of `getblocktxn`. */
export interface GetBlockTxn {
  /** Block hash, internal byte order. */
  blockHash: Uint8Array;
  /** Absolute, strictly increasing indexes (the wire form is differential). */
  indexes: number[];
}

/** BIP152 `BlockTransactions`: the payload of `blocktxn`. */
export interface BlockTxn {
  blockHash: Uint8Array;
  txs: Transaction[];
}

/** Compact block versions: 1 keys short ids by txid, 2 (segwit, what Core speaks) by wtxid. */
export type CompactVersion = 1 | 2;
