import { createHash } from 'node:crypto';
import { concatBytes, utf8ToBytes } from '@keel/util';
import { blake2b as nobleBlake2b } from '@noble/hashes/blake2.js';
import {
  expand as hkdfExpand,
  extract as hkdfExtract,
  hkdf as nobleHkdf,
} from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { ripemd160 as nobleRipemd160, sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * Inputs at or above this size go to Node's native SHA-256 (OpenSSL); below it the per-call
 * overhead of a native hash object outweighs its speed, so noble's pure TS runs. Measured on the
 * 2-core x86_64 box: equal at 32 bytes, native 1.3x at 64, 4.5x at 1 KiB (see README).
 */
const NATIVE_SHA256_MIN = 64;

function nativeSha256(data: Uint8Array): Uint8Array {
  const b = createHash('sha256').update(data).digest();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function sha256(data: Uint8Array): Uint8Array {
  return data.length >= NATIVE_SHA256_MIN ? nativeSha256(data) : nobleSha256(data);
}

/** SHA256(SHA256(data)): Bitcoin's txid/block hash. */
export function sha256d(data: Uint8Array): Uint8Array {
  return nobleSha256(sha256(data));
}

export function sha512(data: Uint8Array): Uint8Array {
  return nobleSha512(data);
}

/** SHA-1: only for Bitcoin's OP_SHA1; not collision resistant. */
export function sha1(data: Uint8Array): Uint8Array {
  return nobleSha1(data);
}

export function ripemd160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(data);
}

/** RIPEMD160(SHA256(data)): Bitcoin's HASH160. */
export function hash160(data: Uint8Array): Uint8Array {
  return nobleRipemd160(nobleSha256(data));
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

export function blake2b256(data: Uint8Array): Uint8Array {
  return nobleBlake2b(data, { dkLen: 32 });
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, data);
}

export function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleSha512, key, data);
}

const tagCache = new Map<string, Uint8Array>();

/** SHA256(tag) || SHA256(tag), cached per tag (BIP340). */
function tagPrefix(tag: string): Uint8Array {
  let p = tagCache.get(tag);
  if (!p) {
    const t = nobleSha256(utf8ToBytes(tag));
    p = concatBytes(t, t);
    tagCache.set(tag, p);
  }
  return p;
}

/** BIP340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || msg...). */
export function taggedHash(tag: string, ...msgs: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const m of msgs) len += m.length;
  const h = len >= NATIVE_SHA256_MIN ? createSha256() : nobleSha256.create();
  h.update(tagPrefix(tag));
  for (const m of msgs) h.update(m);
  return h.digest();
}

/** HKDF-SHA256 (RFC 5869). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return nobleHkdf(nobleSha256, ikm, salt, info, length);
}

export function hkdfSha256Extract(ikm: Uint8Array, salt: Uint8Array | undefined): Uint8Array {
  return hkdfExtract(nobleSha256, ikm, salt);
}

export function hkdfSha256Expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(nobleSha256, prk, info, length);
}

/** Incremental SHA-256 (for hashing serializations without concatenating them). */
export function createSha256(): { update(data: Uint8Array): unknown; digest(): Uint8Array } {
  const h = createHash('sha256');
  return {
    update(data: Uint8Array) {
      h.update(data);
      return this;
    },
    digest() {
      const b = h.digest();
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  };
}
