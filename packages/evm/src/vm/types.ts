import type { KzgBackend } from '@keel/crypto/kzg';
import type { ForkParams } from '../params.ts';
import type { Precompile } from '../precompiles/types.ts';
import type { Address } from '../tx/types.ts';

/** The block a transaction runs in, as the EVM sees it. */
export interface BlockEnv {
  readonly chainId: bigint;
  readonly coinbase: Address;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly baseFee: bigint;
  /** 32 bytes: PREVRANDAO (EIP-4399). */
  readonly prevRandao: Uint8Array;
  /** EIP-4844 excess blob gas of this block (the blob base fee is derived from it). */
  readonly excessBlobGas: bigint;
  /** The hash of block `n`; only asked for `number - 256 <= n < number`. Undefined reads as 0. */
  getBlockHash(n: bigint): Uint8Array | undefined;
}

/** How the VM runs: the fork's parameters and injected backends. */
export interface VmOptions {
  readonly fork: ForkParams;
  /** KZG backend for the point-evaluation precompile (0x0a); without one it fails. */
  readonly kzg?: KzgBackend | undefined;
  /** Host-chain precompiles beyond Cancun's (looked up by address after them; not pre-warmed). */
  readonly extraPrecompiles?: ((address: Uint8Array) => Precompile | undefined) | undefined;
}

/** Block-level limits a transaction must fit into (defaults: an empty block). */
export interface RunTxOptions extends VmOptions {
  /** Gas still available in the block (default `env.gasLimit`). */
  readonly gasAvailable?: bigint;
  /** Blob gas still available in the block (default the fork's maximum per block). */
  readonly blobGasAvailable?: bigint;
}

export interface Log {
  readonly address: Address;
  readonly topics: readonly Uint8Array[];
  readonly data: Uint8Array;
}

/** A transaction that was included: its effects are in the state. */
export interface TxResult {
  readonly valid: true;
  /** 1 success, 0 reverted or halted. */
  readonly status: 0 | 1;
  /** Gas used after the refund (what the receipt's cumulative gas adds). */
  readonly gasUsed: bigint;
  readonly blobGasUsed: bigint;
  /** Logs of a successful transaction (empty otherwise). */
  readonly logs: readonly Log[];
  /** The address a contract-creation transaction created (when it succeeded). */
  readonly createdAddress?: Address;
  readonly returnData: Uint8Array;
}

/** Why a transaction cannot be included; the state is untouched. */
export const InvalidTxReason = {
  NONCE_TOO_LOW: 'NONCE_TOO_LOW',
  NONCE_TOO_HIGH: 'NONCE_TOO_HIGH',
  NONCE_MAX: 'NONCE_MAX',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  INTRINSIC_GAS_TOO_LOW: 'INTRINSIC_GAS_TOO_LOW',
  GAS_LIMIT_EXCEEDS_BLOCK: 'GAS_LIMIT_EXCEEDS_BLOCK',
  FEE_CAP_BELOW_BASE_FEE: 'FEE_CAP_BELOW_BASE_FEE',
  PRIORITY_FEE_ABOVE_FEE_CAP: 'PRIORITY_FEE_ABOVE_FEE_CAP',
  GAS_PRICE_BELOW_BASE_FEE: 'GAS_PRICE_BELOW_BASE_FEE',
  SENDER_HAS_CODE: 'SENDER_HAS_CODE',
  INITCODE_TOO_LARGE: 'INITCODE_TOO_LARGE',
  BLOB_CREATE: 'BLOB_CREATE',
  BLOB_NONE: 'BLOB_NONE',
  BLOB_TOO_MANY: 'BLOB_TOO_MANY',
  BLOB_GAS_EXCEEDS_BLOCK: 'BLOB_GAS_EXCEEDS_BLOCK',
  BLOB_VERSIONED_HASH: 'BLOB_VERSIONED_HASH',
  BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE: 'BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE',
  TX_TYPE_NOT_SUPPORTED: 'TX_TYPE_NOT_SUPPORTED',
} as const;
export type InvalidTxReason = (typeof InvalidTxReason)[keyof typeof InvalidTxReason];

export interface InvalidTxResult {
  readonly valid: false;
  readonly reason: InvalidTxReason;
  readonly message: string;
}

export type RunTxResult = TxResult | InvalidTxResult;

/** The outcome of a system call (EIP-4788 beacon roots): no fee, no nonce, gas not counted. */
export interface SystemCallResult {
  readonly success: boolean;
  readonly returnData: Uint8Array;
  readonly logs: readonly Log[];
  readonly gasUsed: bigint;
}
