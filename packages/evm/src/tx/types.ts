/**
 * In-memory Ethereum transactions, shared by the codec (`tx/`), the VM (`vm/`) and the block
 * processor (`block/`). Integers are bigint; byte strings are Uint8Array. `to === null` means
 * contract creation (never for blob transactions). Signature fields hold the values as signed:
 * for legacy transactions `v` is the raw v (27/28 or EIP-155 `chainId*2+35+yParity`); for typed
 * transactions `v` is the y-parity (0 or 1).
 */
export type Address = Uint8Array;

export interface AccessListEntry {
  readonly address: Address;
  readonly storageKeys: readonly Uint8Array[];
}
export type AccessList = readonly AccessListEntry[];

interface TxCommon {
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly to: Address | null;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly v: bigint;
  readonly r: bigint;
  readonly s: bigint;
}

/** Type 0 (pre-EIP-2718), EIP-155 replay protection when `v >= 35`. */
export interface LegacyTx extends TxCommon {
  readonly type: 0;
  readonly gasPrice: bigint;
}

/** Type 1, EIP-2930. */
export interface AccessListTx extends TxCommon {
  readonly type: 1;
  readonly chainId: bigint;
  readonly gasPrice: bigint;
  readonly accessList: AccessList;
}

/** Type 2, EIP-1559. */
export interface FeeMarketTx extends TxCommon {
  readonly type: 2;
  readonly chainId: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly maxFeePerGas: bigint;
  readonly accessList: AccessList;
}

/** Type 3, EIP-4844 (the network form with blobs/commitments/proofs is a wrapper around it). */
export interface BlobTx extends TxCommon {
  readonly type: 3;
  readonly to: Address;
  readonly chainId: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly maxFeePerGas: bigint;
  readonly accessList: AccessList;
  readonly maxFeePerBlobGas: bigint;
  readonly blobVersionedHashes: readonly Uint8Array[];
}

export type Transaction = LegacyTx | AccessListTx | FeeMarketTx | BlobTx;
export type TxType = Transaction['type'];
