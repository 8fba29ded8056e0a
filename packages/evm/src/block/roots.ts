import { bigintToRLPBytes, encodeRLP } from '../rlp/index.ts';
import { trieRoot } from '../trie/index.ts';
import { encodeReceipt, type Receipt } from './receipt.ts';
import { type Withdrawal, withdrawalToRLP } from './withdrawal.ts';

/** The key of item `i` in a block's transactions, receipts and withdrawals tries: rlp(i). */
function indexKey(i: number): Uint8Array {
  return encodeRLP(bigintToRLPBytes(BigInt(i)));
}

function listRoot(values: readonly Uint8Array[]): Uint8Array {
  return trieRoot(values.map((v, i) => [indexKey(i), v] as const));
}

/** Root of the trie of the block's encoded transactions (EIP-2718 envelopes or legacy RLP). */
export function transactionsRoot(encodedTransactions: readonly Uint8Array[]): Uint8Array {
  return listRoot(encodedTransactions);
}

export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array {
  return listRoot(receipts.map(encodeReceipt));
}

/** EIP-4895: root of the trie of `rlp(withdrawal)` by index. */
export function withdrawalsRoot(withdrawals: readonly Withdrawal[]): Uint8Array {
  return listRoot(withdrawals.map((w) => encodeRLP(withdrawalToRLP(w))));
}
