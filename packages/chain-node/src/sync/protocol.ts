import type { Block } from '@keel/consensus';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { type CodecLimits, plainBytes, readBlock, writeBlock } from '../net/codec.ts';

/**
 * Sync request/response wire forms (one exchange per stream):
 *   status request  = u8 1                         → u8 1 ‖ 32 genesis ‖ u64 height ‖ 32 hash
 *   blocks request  = u8 2 ‖ u64 from ‖ u32 count  → u8 2 ‖ CompactSize n ‖ n blocks (from, from+1, …)
 *   sidecars request = u8 3 ‖ u64 height            → sidecar response (`sidecarWire.ts`)
 */
export const SYNC_STATUS = 1;
export const SYNC_BLOCKS = 2;
export const SYNC_SIDECARS = 3;
export const MAX_SYNC_BLOCKS = 64;

export type SyncRequest =
  | { readonly kind: 'status' }
  | { readonly kind: 'blocks'; readonly from: number; readonly count: number }
  | { readonly kind: 'sidecars'; readonly height: number };

export interface SyncStatus {
  readonly genesisHash: Uint8Array;
  readonly height: number;
  readonly hash: Uint8Array;
}

function safe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `${what} too large`);
  }
  return Number(v);
}

export function encodeSyncRequest(r: SyncRequest): Uint8Array {
  const kind = { status: SYNC_STATUS, blocks: SYNC_BLOCKS, sidecars: SYNC_SIDECARS }[r.kind];
  const w = new BufferWriter(16).u8(kind);
  if (r.kind === 'blocks') w.u64le(BigInt(r.from)).u32le(r.count);
  if (r.kind === 'sidecars') w.u64le(BigInt(r.height));
  return w.finish();
}

export function decodeSyncRequest(bytes: Uint8Array): SyncRequest {
  const r = new BufferReader(plainBytes(bytes));
  const k = r.u8();
  let out: SyncRequest;
  if (k === SYNC_STATUS) out = { kind: 'status' };
  else if (k === SYNC_BLOCKS) {
    const from = safe(r.u64le(), 'from');
    const count = r.u32le();
    if (count < 1 || count > MAX_SYNC_BLOCKS) {
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `block count ${count} outside 1..64`);
    }
    out = { kind: 'blocks', from, count };
  } else if (k === SYNC_SIDECARS) out = { kind: 'sidecars', height: safe(r.u64le(), 'height') };
  else throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `unknown sync request ${k}`);
  r.assertEnd('sync request');
  return out;
}

export function encodeStatus(s: SyncStatus): Uint8Array {
  return new BufferWriter(80)
    .u8(SYNC_STATUS)
    .bytes(s.genesisHash)
    .u64le(BigInt(s.height))
    .bytes(s.hash)
    .finish();
}

export function decodeStatus(bytes: Uint8Array): SyncStatus {
  const r = new BufferReader(plainBytes(bytes));
  if (r.u8() !== SYNC_STATUS) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'not a status');
  const genesisHash = r.copyBytes(32, 'genesis');
  const height = safe(r.u64le(), 'height');
  const hash = r.copyBytes(32, 'hash');
  r.assertEnd('status');
  return { genesisHash, height, hash };
}

export function encodeBlocks(blocks: readonly Block[]): Uint8Array {
  const w = new BufferWriter(4096).u8(SYNC_BLOCKS).compactSize(blocks.length);
  for (const b of blocks) writeBlock(w, b);
  return w.finish();
}

export function decodeBlocks(bytes: Uint8Array, l: CodecLimits): Block[] {
  const r = new BufferReader(plainBytes(bytes));
  if (r.u8() !== SYNC_BLOCKS) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'not blocks');
  const n = r.compactSize(MAX_SYNC_BLOCKS, 'block count');
  const out: Block[] = [];
  for (let i = 0; i < n; i++) out.push(readBlock(r, l));
  r.assertEnd('blocks');
  return out;
}
