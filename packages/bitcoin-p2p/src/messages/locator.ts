import { BufferWriter } from '@keel/util';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { checkOutgoing, decodeWith, readCount, readHash } from './_codec.ts';
import type { LocatorPayload } from './types.ts';

export type LocatorCommand = 'getheaders' | 'getblocks';

/**
 * getheaders/getblocks: int32 version, locator (≤ MAX_LOCATOR_SZ hashes; Core disconnects a
 * peer that sends more), hash_stop.
 */
export function decodeLocator(
  command: LocatorCommand,
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): LocatorPayload {
  return decodeWith(command, bytes, 'disconnect', (r) => {
    const version = r.i32le();
    const n = readCount(r, command, limits.maxLocator, 32, 'disconnect', 'locator hashes');
    const locator: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) locator[i] = readHash(r, 'locator hash');
    return { version, locator, hashStop: readHash(r, 'hash_stop') };
  });
}

export function encodeLocator(command: LocatorCommand, p: LocatorPayload): Uint8Array {
  checkOutgoing(p.locator.length <= defaultP2PLimits.maxLocator, command, 'locator too long');
  checkOutgoing(p.hashStop.length === 32, command, 'hash_stop must be 32 bytes');
  const w = new BufferWriter(4 + 1 + 32 * (p.locator.length + 1));
  w.i32le(p.version).compactSize(p.locator.length);
  for (const h of p.locator) {
    checkOutgoing(h.length === 32, command, 'locator hash must be 32 bytes');
    w.bytes(h);
  }
  return w.bytes(p.hashStop).finish();
}
