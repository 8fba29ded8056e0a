import {
  BYTES_PER_BLOB,
  BYTES_PER_COMMITMENT,
  BYTES_PER_PROOF,
  kzgToVersionedHash,
} from '@keel/crypto/kzg';
import { equalBytes } from '@keel/util';
import type { RLPLimits } from '../rlp/decode.ts';
import { encodeRLP } from '../rlp/encode.ts';
import { decodeBlobTxFields, decodePayload, unsignedFields } from './codec.ts';
import { bytes, list, malformed, n } from './fields.ts';
import type { BlobTx } from './types.ts';

/** EIP-4844 network form: the transaction with its blobs, KZG commitments and proofs. */
export interface BlobTxNetworkForm {
  readonly tx: BlobTx;
  readonly blobs: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly proofs: readonly Uint8Array[];
}

function sized(v: Parameters<typeof list>[0], field: string, size: number): Uint8Array[] {
  return list(v, field).map((item, i) => {
    const b = bytes(item, `${field}[${i}]`);
    if (b.length !== size) malformed(`${field}[${i}]: ${b.length} bytes, expected ${size}`);
    return b;
  });
}

/**
 * Decodes `0x03 || rlp([tx_payload_body, blobs, commitments, proofs])` (the form gossiped and
 * sent to `eth_sendRawTransaction`). Checks sizes, equal counts, and that each commitment
 * hashes to its versioned hash; the KZG proofs are left to the caller's KZG backend
 * (`verifyBlobKzgProofBatch`). Throws EvmError(TX_MALFORMED).
 */
export function decodeBlobTxNetworkForm(raw: Uint8Array, limits?: RLPLimits): BlobTxNetworkForm {
  if (raw[0] !== 3) malformed('blob network form must start with type byte 0x03');
  const outer = list(decodePayload(raw.subarray(1), 'blob network form', limits), 'wrapper');
  if (outer.length !== 4) malformed(`blob network form has ${outer.length} items, expected 4`);
  const body = list(outer[0]!, 'tx_payload_body');
  if (body.length !== 14) malformed(`blob transaction has ${body.length} fields, expected 14`);
  const tx = decodeBlobTxFields(body);
  const blobs = sized(outer[1]!, 'blobs', BYTES_PER_BLOB);
  const commitments = sized(outer[2]!, 'commitments', BYTES_PER_COMMITMENT);
  const proofs = sized(outer[3]!, 'proofs', BYTES_PER_PROOF);
  const count = tx.blobVersionedHashes.length;
  if (blobs.length !== count || commitments.length !== count || proofs.length !== count) {
    malformed(
      `blob network form: ${count} versioned hashes, ${blobs.length} blobs, ` +
        `${commitments.length} commitments, ${proofs.length} proofs`,
    );
  }
  commitments.forEach((c, i) => {
    if (!equalBytes(kzgToVersionedHash(c), tx.blobVersionedHashes[i]!)) {
      malformed(`blob network form: commitment ${i} does not match versioned hash ${i}`);
    }
  });
  return { tx, blobs, commitments, proofs };
}

export function encodeBlobTxNetworkForm(form: BlobTxNetworkForm): Uint8Array {
  const { tx } = form;
  const body = [...unsignedFields(tx), n(tx.v), n(tx.r), n(tx.s)];
  const rlp = encodeRLP([body, form.blobs, form.commitments, form.proofs]);
  const out = new Uint8Array(rlp.length + 1);
  out[0] = 3;
  out.set(rlp, 1);
  return out;
}
