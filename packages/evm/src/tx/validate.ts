import { EvmError, EvmErrorCode } from '../errors.ts';
import type { ForkParams } from '../params.ts';
import { legacyChainId } from './hash.ts';
import { intrinsicGas } from './intrinsicGas.ts';
import type { Transaction } from './types.ts';

export interface ValidateTransactionOptions {
  readonly chainId: bigint;
  readonly fork: ForkParams;
}

/** Why `validateTransaction` refused a transaction (in the error's `meta.reason`). */
export const TxValidationReason = {
  TYPE_NOT_SUPPORTED: 'TYPE_NOT_SUPPORTED',
  WRONG_CHAIN_ID: 'WRONG_CHAIN_ID',
  NONCE_MAX: 'NONCE_MAX',
  GAS_LIMIT_OVERFLOW: 'GAS_LIMIT_OVERFLOW',
  FEE_PRODUCT_OVERFLOW: 'FEE_PRODUCT_OVERFLOW',
  PRIORITY_FEE_ABOVE_FEE_CAP: 'PRIORITY_FEE_ABOVE_FEE_CAP',
  INTRINSIC_GAS_TOO_LOW: 'INTRINSIC_GAS_TOO_LOW',
  INITCODE_TOO_LARGE: 'INITCODE_TOO_LARGE',
  BLOB_NONE: 'BLOB_NONE',
  BLOB_TOO_MANY: 'BLOB_TOO_MANY',
  BLOB_VERSIONED_HASH: 'BLOB_VERSIONED_HASH',
} as const;
export type TxValidationReason = (typeof TxValidationReason)[keyof typeof TxValidationReason];

const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;
/** EIP-4844 VERSIONED_HASH_VERSION_KZG. */
const BLOB_HASH_VERSION = 0x01;

function refuse(reason: TxValidationReason, message: string): never {
  throw new EvmError(EvmErrorCode.TX_INVALID, `transaction ${message}`, { reason });
}

/** The fee cap per gas a sender commits to: gasPrice, or maxFeePerGas (EIP-1559). */
function feeCap(tx: Transaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxFeePerGas;
}

function checkChain(tx: Transaction, chainId: bigint): void {
  // EIP-155: a legacy v of chainId*2+35/36 binds the chain; 27/28 is valid on every chain.
  const id = tx.type === 0 ? legacyChainId(tx.v) : tx.chainId;
  if (id !== undefined && id !== chainId) {
    refuse(TxValidationReason.WRONG_CHAIN_ID, `chain id ${id}, expected ${chainId}`);
  }
}

function checkBlobs(tx: Transaction, fork: ForkParams): void {
  if (tx.type !== 3) return;
  const hashes = tx.blobVersionedHashes;
  if (hashes.length === 0) refuse(TxValidationReason.BLOB_NONE, 'carries no blobs');
  // A transaction with more blobs than a block holds can never be included.
  const max = fork.maxBlobGasPerBlock / fork.blobGasPerBlob;
  if (BigInt(hashes.length) > max) {
    refuse(TxValidationReason.BLOB_TOO_MANY, `carries ${hashes.length} blobs, at most ${max}`);
  }
  hashes.forEach((h, i) => {
    if (h[0] !== BLOB_HASH_VERSION) {
      refuse(TxValidationReason.BLOB_VERSIONED_HASH, `blob hash ${i} has version ${h[0]}`);
    }
  });
}

/**
 * The checks a transaction must pass on its own, before any state is read: type enabled in the
 * fork, chain id (EIP-155/2930), nonce < 2^64-1 (EIP-2681), gas limit < 2^64, gasLimit × fee cap
 * < 2^256, priority fee <= fee cap (EIP-1559), intrinsic gas <= gas limit, initcode size
 * (EIP-3860), blob count and hash versions (EIP-4844). The signature is checked by
 * `recoverSender`. Throws EvmError(TX_INVALID) with `meta.reason`.
 */
export function validateTransaction(tx: Transaction, opts: ValidateTransactionOptions): void {
  const { fork } = opts;
  if (tx.type === 3 && !fork.cancunOpcodes) {
    refuse(TxValidationReason.TYPE_NOT_SUPPORTED, `type 3 before Cancun (${fork.name})`);
  }
  checkChain(tx, opts.chainId);
  if (tx.nonce >= U64_MAX) refuse(TxValidationReason.NONCE_MAX, `nonce ${tx.nonce} >= 2^64-1`);
  if (tx.gasLimit > U64_MAX) refuse(TxValidationReason.GAS_LIMIT_OVERFLOW, 'gas limit >= 2^64');
  if (tx.gasLimit * feeCap(tx) > U256_MAX) {
    refuse(TxValidationReason.FEE_PRODUCT_OVERFLOW, 'gas limit × fee cap overflows 256 bits');
  }
  if ((tx.type === 2 || tx.type === 3) && tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    refuse(
      TxValidationReason.PRIORITY_FEE_ABOVE_FEE_CAP,
      `max priority fee ${tx.maxPriorityFeePerGas} > max fee ${tx.maxFeePerGas}`,
    );
  }
  const intrinsic = intrinsicGas(tx);
  if (intrinsic > tx.gasLimit) {
    refuse(
      TxValidationReason.INTRINSIC_GAS_TOO_LOW,
      `gas limit ${tx.gasLimit} below intrinsic gas ${intrinsic}`,
    );
  }
  if (tx.to === null && tx.data.length > fork.maxInitcodeSize) {
    refuse(
      TxValidationReason.INITCODE_TOO_LARGE,
      `initcode of ${tx.data.length} bytes exceeds ${fork.maxInitcodeSize}`,
    );
  }
  checkBlobs(tx, fork);
}
