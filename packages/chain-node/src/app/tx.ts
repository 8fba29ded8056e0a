import { ed25519, sha256 } from '@keel/crypto';
import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  DecodeError,
  DecodeErrorCode,
  utf8ToBytes,
} from '@keel/util';
import { plainBytes, readUtf8 } from '../net/codec.ts';

/**
 * The chain's transaction (transfer-only state; the ledger of issue [G] replaces it behind
 * `ChainState`). Wire form, all integers little-endian:
 *   u8 version (1) ‖ u8 kind (1 = transfer) ‖ varBytes chainId ‖ 32 sender ed25519 key ‖
 *   20 recipient address ‖ u64 amount ‖ u64 fee ‖ u64 nonce ‖ 64 signature
 * The signature is Ed25519 over SHA-256("keel/tx/v1" ‖ every byte before the signature).
 * The hash is SHA-256 of the whole encoding; an address is the first 20 bytes of
 * SHA-256(public key).
 */
export interface Transfer {
  readonly chainId: string;
  readonly sender: Uint8Array;
  readonly to: Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: bigint;
  readonly signature: Uint8Array;
}

export interface DecodedTx extends Transfer {
  readonly raw: Uint8Array;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly from: Uint8Array;
  readonly fromHex: string;
}

export const TX_VERSION = 1;
export const TX_KIND_TRANSFER = 1;
export const MAX_TX_BYTES = 512;
const TX_TAG = utf8ToBytes('keel/tx/v1');
const MAX_U64 = (1n << 64n) - 1n;

export function addressOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).slice(0, 20);
}

function unsignedBody(t: Omit<Transfer, 'signature'>): Uint8Array {
  return new BufferWriter(160)
    .u8(TX_VERSION)
    .u8(TX_KIND_TRANSFER)
    .varBytes(utf8ToBytes(t.chainId))
    .bytes(t.sender)
    .bytes(t.to)
    .u64le(t.amount)
    .u64le(t.fee)
    .u64le(t.nonce)
    .finish();
}

function signingHash(body: Uint8Array): Uint8Array {
  return sha256(new BufferWriter(body.length + 16).bytes(TX_TAG).bytes(body).finish());
}

export interface SignTransferParameters {
  readonly chainId: string;
  /** 32-byte ed25519 seed. */
  readonly secretKey: Uint8Array;
  readonly to: Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: bigint;
  /** The sender's public key, when the caller has it (saves deriving it per transaction). */
  readonly publicKey?: Uint8Array;
  /** A signer for the 32-byte signing hash (e.g. one holding a parsed key); default Ed25519. */
  readonly sign?: (message: Uint8Array) => Uint8Array;
}

export function signTransfer(p: SignTransferParameters): Uint8Array {
  for (const [k, v] of [
    ['amount', p.amount],
    ['fee', p.fee],
    ['nonce', p.nonce],
  ] as const) {
    if (v < 0n || v > MAX_U64) {
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `${k} ${v} outside u64`);
    }
  }
  const sender = p.publicKey ?? ed25519.getPublicKey(p.secretKey);
  const body = unsignedBody({ ...p, sender });
  const h = signingHash(body);
  const signature = p.sign ? p.sign(h) : ed25519.sign(h, p.secretKey);
  return new BufferWriter(body.length + 64).bytes(body).bytes(signature).finish();
}

/** Decodes (no signature check). Throws DecodeError on malformed bytes. */
export function decodeTx(input: Uint8Array): DecodedTx {
  const raw = plainBytes(input);
  if (raw.length > MAX_TX_BYTES) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `transaction is ${raw.length} bytes (limit ${MAX_TX_BYTES})`,
    );
  }
  const r = new BufferReader(raw);
  const version = r.u8();
  if (version !== TX_VERSION) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `unknown tx version ${version}`);
  }
  const kind = r.u8();
  if (kind !== TX_KIND_TRANSFER) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `unknown tx kind ${kind}`);
  }
  const chainId = readUtf8(r.varBytes(64, 'chain id'), 'chain id');
  const sender = r.copyBytes(32, 'sender');
  const to = r.copyBytes(20, 'recipient');
  const amount = r.u64le();
  const fee = r.u64le();
  const nonce = r.u64le();
  const signature = r.copyBytes(64, 'signature');
  r.assertEnd('transaction');
  const hash = sha256(raw);
  const from = addressOf(sender);
  return {
    chainId,
    sender,
    to,
    amount,
    fee,
    nonce,
    signature,
    raw,
    hash,
    hashHex: bytesToHex(hash),
    from,
    fromHex: bytesToHex(from),
  };
}

/** Whether the signature is valid for the transaction's body. */
export function verifyTxSignature(tx: DecodedTx): boolean {
  const body = tx.raw.subarray(0, tx.raw.length - 64);
  return ed25519.verify(tx.signature, signingHash(body), tx.sender);
}

export function txToJson(tx: DecodedTx): Record<string, string> {
  return {
    hash: tx.hashHex,
    kind: 'transfer',
    chainId: tx.chainId,
    from: tx.fromHex,
    to: bytesToHex(tx.to),
    amount: tx.amount.toString(),
    fee: tx.fee.toString(),
    nonce: tx.nonce.toString(),
    raw: bytesToHex(tx.raw),
  };
}
