import { keccak256 } from '@keel/crypto/hashes';
import {
  type Address,
  CANCUN,
  decodeTransaction,
  EvmError,
  EvmErrorCode,
  intrinsicGas,
  legacyChainId,
  recoverSender,
  type Transaction,
  TxValidationReason,
  validateTransaction,
} from '@keel/evm';
import { bytesToHex, isKeelError } from '@keel/util';
import { InvalidTxError, TxRejectReason } from '../errors.ts';
import { evmAccountAddress } from './keys.ts';

/**
 * A ledger transaction whose first byte is `0x45` ('E') is an Ethereum transaction: `0x45 ‖`
 * the Ethereum encoding (an EIP-2718 typed envelope `0x01..0x03 ‖ rlp`, or legacy RLP). Native
 * transactions start with their version byte (1), so the two never collide. Blob transactions
 * appear here without their sidecar (the canonical form a block commits to).
 */
export const ETH_TX_TAG = 0x45;

/** Wraps an Ethereum raw transaction as a ledger transaction. */
export function wrapEthTx(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(raw.length + 1);
  out[0] = ETH_TX_TAG;
  out.set(raw, 1);
  return out;
}

export function isEthTx(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === ETH_TX_TAG;
}

/** The Ethereum transaction hash (keccak256 of its encoding) of a wrapped transaction. */
export function ethTxHash(wrapped: Uint8Array): Uint8Array {
  return keccak256(wrapped.subarray(1));
}

/** A decoded, signature-recovered Ethereum transaction. */
export interface EthTx {
  readonly tx: Transaction;
  readonly sender: Address;
  /** keccak256 of the Ethereum encoding. */
  readonly hash: Uint8Array;
  /** The Ethereum encoding (without the ledger tag). */
  readonly raw: Uint8Array;
  readonly intrinsicGas: bigint;
}

/** gasPrice, or maxFeePerGas (EIP-1559): what the sender pays per gas at most. */
export function feeCap(tx: Transaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxFeePerGas;
}

/** The most the sender can spend: gasLimit × fee cap + value + blob gas × blob fee cap. */
export function ethMaxCost(tx: Transaction, blobGasPerBlob = CANCUN.blobGasPerBlob): bigint {
  let c = tx.gasLimit * feeCap(tx) + tx.value;
  if (tx.type === 3)
    c += BigInt(tx.blobVersionedHashes.length) * blobGasPerBlob * tx.maxFeePerBlobGas;
  return c;
}

const REASONS: Partial<Record<string, TxRejectReason>> = {
  [TxValidationReason.WRONG_CHAIN_ID]: TxRejectReason.CHAIN_ID,
  [TxValidationReason.INTRINSIC_GAS_TOO_LOW]: TxRejectReason.INTRINSIC_GAS,
  [TxValidationReason.NONCE_MAX]: TxRejectReason.NONCE_TOO_HIGH,
  [TxValidationReason.GAS_LIMIT_OVERFLOW]: TxRejectReason.GAS_LIMIT_TOO_HIGH,
};

/**
 * Everything about an Ethereum transaction that does not depend on state: it decodes (bounded
 * by the ledger's byte limit), binds `chainId` (EIP-155 for legacy; an unprotected legacy
 * transaction is refused), passes `@keel/evm`'s `validateTransaction` at Cancun, and its
 * signature recovers (low s). Throws `InvalidTxError`.
 */
export function checkEthTxStateless(wrapped: Uint8Array, chainId: bigint): EthTx {
  const raw = wrapped.subarray(1);
  let tx: Transaction;
  try {
    tx = decodeTransaction(raw);
  } catch (e) {
    if (!isKeelError(e)) throw e;
    throw new InvalidTxError(
      TxRejectReason.MALFORMED,
      `malformed Ethereum transaction: ${e.message}`,
    );
  }
  if (tx.type === 0 && legacyChainId(tx.v) === undefined)
    throw new InvalidTxError(
      TxRejectReason.CHAIN_ID,
      `legacy transaction without an EIP-155 chain id (v=${tx.v}); sign for chain ${chainId}`,
    );
  try {
    validateTransaction(tx, { chainId, fork: CANCUN });
  } catch (e) {
    if (!(e instanceof EvmError)) throw e;
    const reason = REASONS[String(e.meta.reason)] ?? TxRejectReason.MALFORMED;
    throw new InvalidTxError(reason, e.message, { evmReason: String(e.meta.reason) });
  }
  const hash = keccak256(raw);
  let sender: Address;
  try {
    sender = cachedSender(hash, tx);
  } catch (e) {
    if (!(e instanceof EvmError) || e.code !== EvmErrorCode.TX_MALFORMED) throw e;
    throw new InvalidTxError(TxRejectReason.SIGNATURE, e.message);
  }
  return { tx, sender, hash, raw: raw.slice(), intrinsicGas: intrinsicGas(tx) };
}

/**
 * Recovered senders by transaction hash (keccak256 of the exact bytes, so a hit is the same
 * transaction): a node recovers each transaction on mempool entry, when validating the block
 * and on commit — ECDSA recovery is the costly part. Bounded; the oldest entries go first.
 */
const SENDER_CACHE_MAX = 65_536;
const senderCache = new Map<string, Address>();

function cachedSender(hash: Uint8Array, tx: Transaction): Address {
  const key = bytesToHex(hash);
  const hit = senderCache.get(key);
  if (hit) return hit;
  const sender = recoverSender(tx);
  if (senderCache.size >= SENDER_CACHE_MAX) {
    const oldest = senderCache.keys().next().value;
    if (oldest !== undefined) senderCache.delete(oldest);
  }
  senderCache.set(key, sender);
  return sender;
}

/**
 * The sender account and nonce of a ledger transaction of either kind (an Ethereum sender is
 * recovered from its signature; its account is `evmAccountAddress(sender)`). Throws a
 * `KeelError` for bytes that do not decode.
 */
export function txSenderAndNonce(
  bytes: Uint8Array,
  decodeNative: (b: Uint8Array) => { from: Uint8Array; nonce: bigint },
): { from: Uint8Array; nonce: bigint } {
  if (!isEthTx(bytes)) return decodeNative(bytes);
  const raw = bytes.subarray(1);
  const tx = decodeTransaction(raw);
  return { from: evmAccountAddress(cachedSender(keccak256(raw), tx)), nonce: tx.nonce };
}
