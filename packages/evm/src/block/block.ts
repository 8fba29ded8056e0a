import { EvmError, EvmErrorCode } from '../errors.ts';
import { decodeRLP, encodeRLP, type RLPValue, rlpList } from '../rlp/index.ts';
import { decodeTransaction } from '../tx/index.ts';
import type { Transaction } from '../tx/types.ts';
import { type BlockHeader, headerFromRLP, headerToRLP } from './header.ts';
import { type Withdrawal, withdrawalFromRLP, withdrawalToRLP } from './withdrawal.ts';

/** A block: header, transactions, ommers (empty after the merge) and, from Shanghai, withdrawals. */
export interface Block {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
  /**
   * Each transaction's canonical encoding as it goes into the transactions trie: the EIP-2718
   * envelope (type byte ‖ payload) for typed ones, the RLP list for legacy ones.
   */
  readonly encodedTransactions: readonly Uint8Array[];
  readonly ommers: readonly BlockHeader[];
  /** `undefined` in a pre-Shanghai block (a body of three items). */
  readonly withdrawals: readonly Withdrawal[] | undefined;
}

/** Limits on a block decoded from untrusted bytes. */
export interface BlockLimits {
  /** Largest encoded block accepted (default 16 MiB). */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * One transaction of a block body: a byte string is an EIP-2718 typed envelope (its first byte,
 * the type, is below 0x80), a list is a legacy transaction.
 */
function transactionFromBody(item: RLPValue, i: number): [Transaction, Uint8Array] {
  let bytes: Uint8Array;
  if (Array.isArray(item)) {
    bytes = encodeRLP(item);
  } else {
    if (item.length === 0 || item[0]! >= 0x80) {
      throw new EvmError(
        EvmErrorCode.BLOCK_INVALID,
        `block transaction ${i}: a byte string must be a typed transaction envelope`,
      );
    }
    bytes = item;
  }
  return [decodeTransaction(bytes), bytes];
}

export function blockFromRLP(v: RLPValue): Block {
  const f = rlpList(v, 'block');
  if (f.length !== 3 && f.length !== 4) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `block has ${f.length} items, expected 3 or 4 (header, transactions, ommers[, withdrawals])`,
    );
  }
  const header = headerFromRLP(f[0]!);
  const txItems = rlpList(f[1]!, 'block transactions');
  const transactions: Transaction[] = [];
  const encodedTransactions: Uint8Array[] = [];
  txItems.forEach((item, i) => {
    const [tx, bytes] = transactionFromBody(item, i);
    transactions.push(tx);
    encodedTransactions.push(bytes);
  });
  const ommers = rlpList(f[2]!, 'block ommers').map(headerFromRLP);
  const withdrawals =
    f.length === 4 ? rlpList(f[3]!, 'block withdrawals').map(withdrawalFromRLP) : undefined;
  return { header, transactions, encodedTransactions, ommers, withdrawals };
}

/** Decodes a block from its RLP bytes. */
export function decodeBlock(bytes: Uint8Array, limits: BlockLimits = {}): Block {
  const max = limits.maxBytes ?? DEFAULT_MAX_BLOCK_BYTES;
  if (bytes.length > max) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `block is ${bytes.length} bytes, over the ${max}-byte limit`,
    );
  }
  return blockFromRLP(decodeRLP(bytes));
}

export function encodeBlock(b: Block): Uint8Array {
  const txs = b.encodedTransactions.map((bytes) => (bytes[0]! >= 0xc0 ? decodeRLP(bytes) : bytes));
  const items = [headerToRLP(b.header), txs, b.ommers.map(headerToRLP)];
  return encodeRLP(
    b.withdrawals === undefined ? items : [...items, b.withdrawals.map(withdrawalToRLP)],
  );
}
