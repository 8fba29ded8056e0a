import { taggedHash } from '@keel/crypto/hashes';
import { type SipHashKey, sipHashKeyFromU64, sipHashUint256 } from '@keel/crypto/siphash';
import { BufferReader, BufferWriter } from '@keel/util';

/** BIP330: the tag of the salt hash. */
export const RECON_STATIC_SALT = 'Tx Relay Salting';
/** BIP330 reconciliation protocol version keel speaks. */
export const RECON_VERSION = 1;

/**
 * BIP330: the link's SipHash key from both sendtxrcncl salts: h = TaggedHash("Tx Relay Salting",
 * min(salt1, salt2) || max(salt1, salt2)) with the salts as LE64; k0 = h[0..8], k1 = h[8..16]
 * (little-endian), so both ends derive the same key.
 */
export function computeReconSalt(localSalt: bigint, remoteSalt: bigint): SipHashKey {
  const lo = localSalt < remoteSalt ? localSalt : remoteSalt;
  const hi = localSalt < remoteSalt ? remoteSalt : localSalt;
  const h = taggedHash(RECON_STATIC_SALT, new BufferWriter(16).u64le(lo).u64le(hi).finish());
  const r = new BufferReader(h);
  return sipHashKeyFromU64(r.u64le(), r.u64le());
}

/**
 * BIP330 short transaction id: 1 + (SipHash-2-4(k0, k1, wtxid) mod 0xFFFFFFFF), so it is a
 * nonzero 32-bit sketch element. `wtxid` in internal byte order (32 bytes).
 */
export function reconShortId(key: SipHashKey, wtxid: Uint8Array): number {
  const s = sipHashUint256(key, undefined, wtxid);
  return 1 + Number(s % 0xffffffffn);
}
