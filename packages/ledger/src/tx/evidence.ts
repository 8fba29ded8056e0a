import { sha256 } from '@keel/crypto';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import type { LedgerEvidence } from '../state/epochs.ts';

/**
 * An evidence transaction: `0x44 ‖ u8 version 1 ‖ u8 kind (1 vote, 2 proposal) ‖ u32 validator
 * ‖ u32 epoch ‖ u64 view ‖ (blockHash 32 ‖ u8 length ‖ signature) × 2`, integers LE. It has
 * no sender, nonce, fee or signature of its own: the two BLS signatures inside are the proof,
 * anyone may relay it, and each offence (validator key, epoch) is slashed at most once. A
 * block payload carries it beside ordinary and Ethereum (`0x45`) transactions.
 */
export const EVIDENCE_TX_TAG = 0x44;
const EVIDENCE_VERSION = 1;
const KIND = { vote: 1, proposal: 2 } as const;
const MAX_SIGNATURE_BYTES = 192;
/** The largest evidence transaction (two 192-byte signatures). */
export const MAX_EVIDENCE_TX_BYTES = 2 + 1 + 4 + 4 + 8 + 2 * (32 + 1 + MAX_SIGNATURE_BYTES);

export function isEvidenceTx(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === EVIDENCE_TX_TAG;
}

export function encodeEvidenceTx(e: LedgerEvidence): Uint8Array {
  const w = new BufferWriter(MAX_EVIDENCE_TX_BYTES).u8(EVIDENCE_TX_TAG).u8(EVIDENCE_VERSION);
  w.u8(KIND[e.kind]).u32le(e.validator).u32le(e.epoch).u64le(BigInt(e.view));
  for (const half of [e.first, e.second]) {
    if (half.blockHash.length !== 32 || half.signature.length > MAX_SIGNATURE_BYTES) {
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'evidence: bad hash or signature size');
    }
    w.bytes(half.blockHash).u8(half.signature.length).bytes(half.signature);
  }
  return w.finish();
}

/** Strict: every field checked, nothing after the second signature. Throws `DecodeError`. */
export function decodeEvidenceTx(bytes: Uint8Array): LedgerEvidence {
  if (bytes.length > MAX_EVIDENCE_TX_BYTES) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `evidence transaction of ${bytes.length} bytes exceeds ${MAX_EVIDENCE_TX_BYTES}`,
    );
  }
  const r = new BufferReader(bytes);
  if (r.u8() !== EVIDENCE_TX_TAG)
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'not an evidence transaction');
  const version = r.u8();
  if (version !== EVIDENCE_VERSION)
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `evidence version ${version}`);
  const k = r.u8();
  if (k !== KIND.vote && k !== KIND.proposal)
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `evidence kind ${k}`);
  const validator = r.u32le();
  const epoch = r.u32le();
  const view = r.u64le();
  if (view < 1n || view > BigInt(Number.MAX_SAFE_INTEGER))
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `evidence view ${view}`);
  const half = () => {
    const blockHash = r.copyBytes(32, 'evidence block hash');
    const n = r.u8();
    if (n === 0 || n > MAX_SIGNATURE_BYTES)
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `evidence signature of ${n} bytes`);
    return { blockHash, signature: r.copyBytes(n, 'evidence signature') };
  };
  const first = half();
  const second = half();
  r.assertEnd('evidence');
  return {
    kind: k === KIND.vote ? 'vote' : 'proposal',
    validator,
    epoch,
    view: Number(view),
    first,
    second,
  };
}

/** An evidence transaction's hash: SHA-256 of its bytes. */
export function evidenceTxHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}
