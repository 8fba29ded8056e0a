import type { Log } from '@keel/runtime';
import type { EthReceiptInfo } from './evm/block.ts';
import type { TxKindName } from './tx/types.ts';

/** What consensus hands the ledger for a block: no clock, no randomness. */
export interface LedgerBlockContext {
  readonly height: bigint;
  /** Unix milliseconds agreed by consensus. */
  readonly time: bigint;
  /** Receives the fees; when absent, fees are burned. */
  readonly feeRecipient?: Uint8Array;
}

/** `rejected`: the ledger refused the operation (invalid code, bad stake); the fee is paid. */
export type ReceiptStatus = 'ok' | 'revert' | 'out_of_gas' | 'trap' | 'rejected';

export interface Receipt {
  readonly txHash: Uint8Array;
  /** A native kind, or `ethereum` for an Ethereum transaction (`evm/ethTx.ts`). */
  readonly kind: TxKindName | 'ethereum' | 'evidence';
  readonly status: ReceiptStatus;
  readonly gasUsed: number;
  /** gasUsed × gasPrice, paid by the sender. */
  readonly fee: bigint;
  readonly returnData: Uint8Array;
  readonly logs: readonly Log[];
  /** Deploy: the new contract's address. */
  readonly contractAddress?: Uint8Array;
  readonly error?: { readonly code: string; readonly message: string };
  /** Ethereum transactions: the Ethereum receipt data (logs carry 20-byte addresses). */
  readonly eth?: EthReceiptInfo;
}
