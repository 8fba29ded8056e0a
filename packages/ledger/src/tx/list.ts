import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { defaultTxLimits, type TxLimits } from '../params.ts';
import { decodeTx, encodeTx, txSigningPayload } from './encoding.ts';
import type { SignedTx } from './types.ts';

export interface TxListLimits {
  readonly maxTxs: number;
  readonly maxBytes: number;
}

export const defaultTxListLimits: TxListLimits = { maxTxs: 20_000, maxBytes: 16 << 20 };

/**
 * A block payload: `u32 count ‖ count × (u32 length ‖ encoded transaction)`, little-endian.
 * What a node hands consensus as the opaque payload of a block.
 */
export function encodeTxList(txs: readonly (SignedTx | Uint8Array)[]): Uint8Array {
  const encoded = txs.map((t) => (t instanceof Uint8Array ? t : encodeTx(t)));
  const w = new BufferWriter(4 + encoded.reduce((n, b) => n + 4 + b.length, 0));
  w.u32le(encoded.length);
  for (const b of encoded) w.u32le(b.length).bytes(b);
  return w.finish();
}

/**
 * Splits a block payload into encoded transactions (each then decoded by `applyBlock`, or here
 * with `decode: true`). Bounded: counts and lengths are checked before allocating.
 */
export function decodeTxList(
  bytes: Uint8Array,
  limits: Partial<TxListLimits & TxLimits> = {},
): Uint8Array[] {
  const lim = { ...defaultTxListLimits, ...defaultTxLimits, ...limits };
  if (bytes.length > lim.maxBytes)
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `payload is ${bytes.length} bytes, over ${lim.maxBytes}`,
    );
  const r = new BufferReader(bytes);
  const n = r.u32le();
  if (n > lim.maxTxs || n > r.remaining / 4)
    throw new DecodeError(DecodeErrorCode.LIMIT_EXCEEDED, `payload claims ${n} transactions`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = r.u32le();
    if (len > lim.maxTxBytes)
      throw new DecodeError(
        DecodeErrorCode.LIMIT_EXCEEDED,
        `transaction ${i} is ${len} bytes, over ${lim.maxTxBytes}`,
      );
    out.push(r.bytes(len, `transaction ${i}`));
  }
  r.assertEnd('payload');
  return out;
}

/** One ed25519 check a block needs (message = signing payload, publicKey = sender). */
export interface TxSignatureCheck {
  readonly index: number;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * The signature checks of a list of transactions, for a worker pool or batch verifier; after
 * all pass, call `applyBlock(..., { signaturesVerified: true })`. Throws `DecodeError` for
 * undecodable bytes.
 */
export function txSignatureChecks(
  txs: readonly (SignedTx | Uint8Array)[],
  limits: TxLimits = defaultTxLimits,
): TxSignatureCheck[] {
  return txs.map((raw, index) => {
    const t = raw instanceof Uint8Array ? decodeTx(raw, limits) : raw;
    return {
      index,
      publicKey: t.from,
      message: txSigningPayload(t, limits),
      signature: t.signature,
    };
  });
}
