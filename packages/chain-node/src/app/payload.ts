import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { plainBytes } from '../net/codec.ts';

/**
 * A block payload: u8 version (1) ‖ u64 proposer wall-clock time (ms, the block time the
 * ledger sees) ‖ 32-byte ledger state root after the parent block ‖ CompactSize count ‖ that
 * many varBytes ledger transactions. Validators refuse a block whose parent root differs from
 * their own execution, so a certified block at height h+1 certifies the state after h.
 */
export interface Payload {
  readonly timestamp: number;
  readonly parentStateRoot: Uint8Array;
  readonly txs: Uint8Array[];
}

export const PAYLOAD_VERSION = 1;
/** The ledger's own bound on one encoded transaction (600 KiB). */
const MAX_TX_BYTES = 600 * 1024;

export function encodePayload(
  timestamp: number,
  parentStateRoot: Uint8Array,
  txs: readonly Uint8Array[],
): Uint8Array {
  let size = 48;
  for (const t of txs) size += t.length + 5;
  const w = new BufferWriter(size).u8(PAYLOAD_VERSION).u64le(BigInt(timestamp));
  w.bytes(parentStateRoot);
  w.compactSize(txs.length);
  for (const t of txs) w.varBytes(t);
  return w.finish();
}

export function decodePayload(bytes: Uint8Array, maxTxs: number): Payload {
  const r = new BufferReader(plainBytes(bytes));
  const v = r.u8();
  if (v !== PAYLOAD_VERSION) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `unknown payload version ${v}`);
  }
  const ts = r.u64le();
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `payload timestamp ${ts} too large`);
  }
  const parentStateRoot = r.copyBytes(32, 'parent state root');
  const n = r.compactSize(maxTxs, 'transaction count');
  const txs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) txs.push(r.varBytes(MAX_TX_BYTES, 'transaction').slice());
  r.assertEnd('payload');
  return { timestamp: Number(ts), parentStateRoot, txs };
}
