import { type BlockHeader, encodeBlockHeader } from '@keel/bitcoin/primitives';
import { sha256 } from '@keel/crypto';
import { type SipHashKey, sipHashKeyFromBytes, sipHashUint256Low48 } from '@keel/crypto/siphash';
import { BufferWriter } from '@keel/util';

/**
 * BIP152 short-id key: SHA256(header ‖ nonce as u64 LE), single SHA256; k0 and k1 are its first
 * two little-endian u64 words (bytes 0..7 and 8..15), which is exactly a 16-byte SipHash key.
 */
export function shortIdKey(header: BlockHeader, nonce: bigint): SipHashKey {
  const w = new BufferWriter(88);
  w.bytes(encodeBlockHeader(header)).u64le(nonce);
  return sipHashKeyFromBytes(sha256(w.finish()).subarray(0, 16));
}

/**
 * BIP152 short id: SipHash-2-4 of the 32-byte hash (wtxid for version 2, txid for version 1, in
 * internal byte order) with the top two bytes dropped, as a number below 2^48.
 */
export function shortId(key: SipHashKey, hash: Uint8Array): number {
  return sipHashUint256Low48(key, hash);
}
