import { BufferWriter } from '@keel/util';
import type { PeerVerdict } from '../errors.ts';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { checkOutgoing, decodeWith, readCount, readHash } from './_codec.ts';
import type { InvVector } from './types.ts';

export type InvCommand = 'inv' | 'getdata' | 'notfound';

/**
 * Core's verdict for more than MAX_INV_SZ entries: Misbehaving for inv and getdata; a notfound
 * that large is just not processed.
 */
const OVER_VERDICT: Record<InvCommand, PeerVerdict> = {
  inv: 'discourage',
  getdata: 'discourage',
  notfound: 'ignore',
};

/** inv/getdata/notfound: CompactSize count (≤ MAX_INV_SZ) of (uint32 type, 32-byte hash). */
export function decodeInv(
  command: InvCommand,
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): InvVector[] {
  return decodeWith(command, bytes, 'disconnect', (r) => {
    const n = readCount(r, command, limits.maxInv, 36, OVER_VERDICT[command], 'entries');
    const out: InvVector[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const type = r.u32le();
      out[i] = { type, hash: readHash(r, 'inv hash') };
    }
    return out;
  });
}

export function encodeInv(command: InvCommand, items: readonly InvVector[]): Uint8Array {
  checkOutgoing(items.length <= defaultP2PLimits.maxInv, command, 'too many entries');
  const w = new BufferWriter(5 + 36 * items.length);
  w.compactSize(items.length);
  for (const it of items) {
    checkOutgoing(it.hash.length === 32, command, 'hash must be 32 bytes');
    w.u32le(it.type).bytes(it.hash);
  }
  return w.finish();
}
