import { keccak256 } from '@keel/crypto/hashes';
import { decodeBlobTxNetworkForm, encodeTransaction } from '@keel/evm';
import { isKeelError } from '@keel/util';
import { InvalidTxError, TxRejectReason } from '../errors.ts';
import { wrapEthTx } from './ethTx.ts';

/** An EIP-4844 transaction in its network form, split into the canonical tx and its sidecar. */
export interface BlobTxParts {
  /** The ledger transaction (`0x45 ‖` canonical type-3 encoding): what a block carries. */
  readonly wrapped: Uint8Array;
  /** keccak256 of the canonical encoding (the transaction hash). */
  readonly hash: Uint8Array;
  readonly nonce: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxFeePerBlobGas: bigint;
  readonly versionedHashes: readonly Uint8Array[];
  readonly blobs: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly proofs: readonly Uint8Array[];
}

/**
 * Whether Ethereum raw bytes are a blob transaction's network form
 * (`0x03 ‖ rlp([tx_payload_body, blobs, commitments, proofs])`) rather than the canonical
 * `0x03 ‖ rlp(tx_payload_body)`: the outer list of the network form starts with a list (the
 * body), the canonical one with the chain id (a byte string).
 */
export function isBlobNetworkForm(raw: Uint8Array): boolean {
  if (raw.length < 3 || raw[0] !== 3) return false;
  const b = raw[1]!;
  // skip the outer list header (short or long form) and look at the first item's prefix
  let at: number;
  if (b >= 0xc0 && b <= 0xf7) at = 2;
  else if (b > 0xf7) at = 2 + (b - 0xf7);
  else return false;
  return at < raw.length && raw[at]! >= 0xc0;
}

/**
 * Decodes a network-form blob transaction (structure and sizes only: the KZG proofs and the
 * versioned hashes are the caller's to check, with a KZG backend). Throws `InvalidTxError`.
 */
export function splitBlobNetworkForm(raw: Uint8Array): BlobTxParts {
  try {
    const f = decodeBlobTxNetworkForm(raw);
    const canonical = encodeTransaction(f.tx);
    return {
      wrapped: wrapEthTx(canonical),
      hash: keccak256(canonical),
      nonce: f.tx.nonce,
      maxFeePerGas: f.tx.maxFeePerGas,
      maxFeePerBlobGas: f.tx.maxFeePerBlobGas,
      versionedHashes: f.tx.blobVersionedHashes,
      blobs: f.blobs,
      commitments: f.commitments,
      proofs: f.proofs,
    };
  } catch (e) {
    if (!isKeelError(e)) throw e;
    throw new InvalidTxError(TxRejectReason.MALFORMED, `malformed blob transaction: ${e.message}`);
  }
}
