/**
 * ECDSA signature encodings: Bitcoin Core's lax DER parser (the one `CPubKey::Verify` uses),
 * canonical strict-DER serialization, and low-S helpers. All work on 64-byte r‖s.
 */
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { bytesToNum, HALF_N, N, numTo32 } from './_curve.ts';

/**
 * Reads one DER length after an INTEGER tag the lax way: a long form may have any number of
 * leading zero bytes but at most 3 significant ones. Returns [length, newPos] or null.
 */
function laxLength(der: Uint8Array, pos: number): [number, number] | null {
  if (pos === der.length) return null;
  let lenbyte = der[pos++]!;
  if ((lenbyte & 0x80) === 0) return [lenbyte, pos];
  lenbyte -= 0x80;
  if (lenbyte > der.length - pos) return null;
  while (lenbyte > 0 && der[pos] === 0) {
    pos++;
    lenbyte--;
  }
  if (lenbyte >= 4) return null;
  let len = 0;
  while (lenbyte > 0) {
    len = len * 256 + der[pos++]!;
    lenbyte--;
  }
  return [len, pos];
}

/** Copies a big-endian integer (leading zeros stripped) right-aligned into out; false if > 32 bytes. */
function copyInt(der: Uint8Array, pos: number, len: number, out: Uint8Array, at: number): boolean {
  while (len > 0 && der[pos] === 0) {
    pos++;
    len--;
  }
  if (len > 32) return false;
  out.set(der.subarray(pos, pos + len), at + 32 - len);
  return true;
}

/**
 * Bitcoin Core's `ecdsa_signature_parse_der_lax`: accepts negative integers, excess padding,
 * trailing garbage and over-long length descriptors (everything in the pre-BIP66 chain).
 * Returns 64-byte r‖s, or null where Core's parser fails. An r or s that does not fit in 32
 * bytes or is >= n gives r = s = 0 (so verification fails), exactly as Core does.
 */
export function parseDerLax(der: Uint8Array): Uint8Array | null {
  if (!(der instanceof Uint8Array)) return null;
  let pos = 0;
  if (pos === der.length || der[pos] !== 0x30) return null;
  pos++;
  if (pos === der.length) return null;
  let lenbyte = der[pos++]!;
  if (lenbyte & 0x80) {
    // The sequence length's value is ignored, only its bytes are skipped.
    lenbyte -= 0x80;
    if (lenbyte > der.length - pos) return null;
    pos += lenbyte;
  }
  if (pos === der.length || der[pos] !== 0x02) return null;
  const r = laxLength(der, pos + 1);
  if (r === null || r[0] > der.length - r[1]) return null;
  const [rlen, rpos] = r;
  pos = rpos + rlen;
  if (pos === der.length || der[pos] !== 0x02) return null;
  const s = laxLength(der, pos + 1);
  if (s === null || s[0] > der.length - s[1]) return null;
  const [slen, spos] = s;
  const out = new Uint8Array(64);
  const rOk = copyInt(der, rpos, rlen, out, 0);
  const sOk = copyInt(der, spos, slen, out, 32);
  if (!rOk || !sOk || !isCompactInRange(out)) out.fill(0);
  return out;
}

/** libsecp256k1's parse_compact rule: r < n and s < n (zero allowed at parse time). */
function isCompactInRange(sig: Uint8Array): boolean {
  return lessThanN(sig, 0) && lessThanN(sig, 32);
}

/** N as 32 big-endian bytes, for BigInt-free range checks on the verification hot path. */
const N_BYTES = numTo32(N);

function lessThanN(b: Uint8Array, off: number): boolean {
  for (let i = 0; i < 32; i++) {
    const d = b[off + i]! - N_BYTES[i]!;
    if (d !== 0) return d < 0;
  }
  return false;
}

function derInt(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const body = b.subarray(i);
  // DER INTEGER is signed: a set top bit needs a 0x00 pad.
  const pad = body[0]! & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  out.set(body, 2 + pad);
  return out;
}

/**
 * Canonical strict DER (BIP66) of a 64-byte r‖s. Throws CryptoError INVALID_SIGNATURE when
 * r or s is zero or >= n (such a pair has no meaningful DER form).
 */
export function signatureToDer(sig64: Uint8Array): Uint8Array {
  assertLength(sig64, 64, 'signature');
  const r = bytesToNum(sig64.subarray(0, 32));
  const s = bytesToNum(sig64.subarray(32, 64));
  if (r === 0n || s === 0n || r >= N || s >= N) {
    throw new CryptoError(CryptoErrorCode.INVALID_SIGNATURE, 'r and s must be in [1, n-1]');
  }
  const ri = derInt(sig64.subarray(0, 32));
  const si = derInt(sig64.subarray(32, 64));
  const out = new Uint8Array(2 + ri.length + si.length);
  out[0] = 0x30;
  out[1] = ri.length + si.length;
  out.set(ri, 2);
  out.set(si, 2 + ri.length);
  return out;
}

/** True when s <= n/2 (libsecp256k1's notion of low-S). Throws INVALID_LENGTH on bad length. */
export function isLowS(sig64: Uint8Array): boolean {
  assertLength(sig64, 64, 'signature');
  return bytesToNum(sig64.subarray(32, 64)) <= HALF_N;
}

/**
 * libsecp256k1's `ecdsa_signature_normalize`: replaces a high s with n - s; returns a new
 * array (the input when already low-S is copied). Throws INVALID_SIGNATURE if r or s >= n.
 */
export function normalizeS(sig64: Uint8Array): Uint8Array {
  assertLength(sig64, 64, 'signature');
  if (!isCompactInRange(sig64)) {
    throw new CryptoError(CryptoErrorCode.INVALID_SIGNATURE, 'r or s is >= n');
  }
  const out = sig64.slice();
  const s = bytesToNum(sig64.subarray(32, 64));
  if (s > HALF_N) out.set(numTo32(N - s), 32);
  return out;
}
