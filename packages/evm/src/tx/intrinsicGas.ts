import type { Transaction } from './types.ts';

/** Yellow Paper G_transaction, G_txcreate, G_txdatazero, G_txdatanonzero (EIP-2028). */
const TX_BASE = 21000n;
const TX_CREATE = 32000n;
const DATA_ZERO = 4n;
const DATA_NONZERO = 16n;
/** EIP-2930. */
const ACCESS_LIST_ADDRESS = 2400n;
const ACCESS_LIST_STORAGE_KEY = 1900n;
/** EIP-3860: per 32-byte word of initcode. */
const INITCODE_WORD = 2n;

/**
 * Gas charged before execution, Shanghai and Cancun: base, contract creation, calldata,
 * access list and EIP-3860 initcode words. Blob gas is separate (EIP-4844).
 */
export function intrinsicGas(tx: Transaction): bigint {
  let zeros = 0;
  for (let i = 0; i < tx.data.length; i++) if (tx.data[i] === 0) zeros++;
  let gas = TX_BASE + BigInt(zeros) * DATA_ZERO + BigInt(tx.data.length - zeros) * DATA_NONZERO;
  if (tx.to === null) {
    gas += TX_CREATE + INITCODE_WORD * BigInt(Math.ceil(tx.data.length / 32));
  }
  if (tx.type !== 0) {
    for (const e of tx.accessList) {
      gas += ACCESS_LIST_ADDRESS + ACCESS_LIST_STORAGE_KEY * BigInt(e.storageKeys.length);
    }
  }
  return gas;
}
