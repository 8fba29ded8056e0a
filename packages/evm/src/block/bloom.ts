import { keccak256 } from '@keel/crypto/hashes';
import type { Log } from '../vm/types.ts';

/** Bytes in a logs bloom (2048 bits). */
export const BLOOM_BYTES = 256;

/**
 * Sets the three bloom bits of `item` (yellow paper §4.3.1, M3:2048): each of the first three
 * byte pairs of keccak256(item), taken mod 2048, indexes a bit of the bloom read as one
 * big-endian 2048-bit number.
 */
export function addToBloom(bloom: Uint8Array, item: Uint8Array): void {
  const h = keccak256(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

/** The bloom of every log's address and topics. */
export function logsBloom(logs: Iterable<Log>): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const log of logs) {
    addToBloom(bloom, log.address);
    for (const t of log.topics) addToBloom(bloom, t);
  }
  return bloom;
}

/** ORs `other` into `into` (a block's bloom is the union of its receipts' blooms). */
export function orBloom(into: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) into[i] = into[i]! | other[i]!;
}
