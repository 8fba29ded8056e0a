/**
 * ECDSA signing exactly as libsecp256k1 (`secp256k1_ecdsa_sign` with
 * `nonce_function_rfc6979`): the HMAC-DRBG is seeded with key32 ‖ msg32 ‖ [extra32], where
 * msg32 is the raw digest. (Strict RFC 6979 reduces the digest mod n first; noble does, so
 * for digests >= n noble's own `sign` would pick a different nonce than libsecp256k1.)
 */
import { concatBytes } from '@keel/util';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToNum, Fn, HALF_N, N, numTo32, Point } from './_curve.ts';

const ZERO = Uint8Array.of(0);
const ONE = Uint8Array.of(1);

/** Returns 64-byte low-S r‖s. `d` must be a valid secret scalar (checked by the caller). */
export function ecdsaSignRfc6979(
  msg32: Uint8Array,
  sk: Uint8Array,
  d: bigint,
  extra?: Uint8Array,
): Uint8Array {
  const seed = extra ? concatBytes(sk, msg32, extra) : concatBytes(sk, msg32);
  let V = new Uint8Array(32).fill(1);
  let K = new Uint8Array(32);
  K = hmac(sha256, K, concatBytes(V, ZERO, seed));
  V = hmac(sha256, K, V);
  K = hmac(sha256, K, concatBytes(V, ONE, seed));
  V = hmac(sha256, K, V);
  const h = Fn.create(bytesToNum(msg32));
  for (let retry = false; ; retry = true) {
    if (retry) {
      K = hmac(sha256, K, concatBytes(V, ZERO));
      V = hmac(sha256, K, V);
    }
    V = hmac(sha256, K, V);
    const k = bytesToNum(V);
    if (k === 0n || k >= N) continue;
    const r = Fn.create(Point.BASE.multiply(k).toAffine().x);
    if (r === 0n) continue;
    let s = Fn.mul(Fn.inv(k), Fn.add(h, Fn.mul(r, d)));
    if (s === 0n) continue;
    if (s > HALF_N) s = N - s;
    return concatBytes(numTo32(r), numTo32(s));
  }
}
