import {
  BLOCK_HEADER_SIZE,
  type BlockHeader,
  readBlockHeader,
  writeBlockHeader,
} from '@keel/bitcoin/primitives';
import { BufferWriter } from '@keel/util';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { checkOutgoing, decodeWith, readCount } from './_codec.ts';

/**
 * headers: at most MAX_HEADERS_RESULTS (Core: Misbehaving "headers message size"), each an
 * 80-byte header followed by a transaction count. Core reads that count and ignores it
 * ("ignore tx count; assume it is 0"), so any canonical CompactSize is accepted; we send 0.
 */
export function decodeHeaders(
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): BlockHeader[] {
  return decodeWith('headers', bytes, 'disconnect', (r) => {
    const n = readCount(
      r,
      'headers',
      limits.maxHeaders,
      BLOCK_HEADER_SIZE + 1,
      'discourage',
      'headers',
    );
    const out: BlockHeader[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = readBlockHeader(r);
      r.compactSize(undefined, 'header tx count');
    }
    return out;
  });
}

export function encodeHeaders(headers: readonly BlockHeader[]): Uint8Array {
  checkOutgoing(headers.length <= defaultP2PLimits.maxHeaders, 'headers', 'too many headers');
  const w = new BufferWriter(3 + headers.length * (BLOCK_HEADER_SIZE + 1));
  w.compactSize(headers.length);
  for (const h of headers) {
    writeBlockHeader(w, h);
    w.u8(0);
  }
  return w.finish();
}
