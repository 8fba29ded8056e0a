/**
 * SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012) on 32-bit
 * halves: every 64-bit lane is a (hi, lo) pair of uint32 numbers, so the hot path never
 * touches BigInt. BigInt appears only at the edges (u64 keys in, u64 results out).
 */
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';

/** A SipHash key as four uint32 halves: k0 = (k0hi, k0lo), k1 = (k1hi, k1lo). */
export interface SipHashKey {
  readonly k0lo: number;
  readonly k0hi: number;
  readonly k1lo: number;
  readonly k1hi: number;
}

// Result of the last core call: [lo, hi] of the first 64-bit output, then of the second
// (SipHash-2-4-128 only). JS is single-threaded and the core is not re-entrant.
const OUT = new Uint32Array(4);
const MASK32 = 0xffffffffn;

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/**
 * The SipHash-2-4 core. Absorbs `nFull` 8-byte little-endian words from `msg` at `off`,
 * then the final word (lastLo, lastHi), which already carries the length byte (paper §2:
 * the last block holds the remaining bytes and `len mod 256` in its top byte).
 * `wide` selects the 128-bit output variant. Writes the output to OUT.
 *
 * Lanes are kept as int32 (`| 0`) so V8 keeps them in registers as small integers; a
 * 64-bit add is lo + lo with the carry taken from the unsigned comparison.
 */
function sipCore(
  key: SipHashKey,
  msg: Uint8Array,
  off: number,
  nFull: number,
  lastLo: number,
  lastHi: number,
  wide: boolean,
): void {
  // "somepseudorandomlygeneratedbytes" XOR the key
  let v0h = 0x736f6d65 ^ key.k0hi;
  let v0l = 0x70736575 ^ key.k0lo;
  let v1h = 0x646f7261 ^ key.k1hi;
  let v1l = 0x6e646f6d ^ key.k1lo ^ (wide ? 0xee : 0);
  let v2h = 0x6c796765 ^ key.k0hi;
  let v2l = 0x6e657261 ^ key.k0lo;
  let v3h = 0x74656462 ^ key.k1hi;
  let v3l = 0x79746573 ^ key.k1lo;
  let mLo = 0;
  let mHi = 0;
  let rounds = 0;
  let th = 0;
  let tl = 0;
  // Message words 0..nFull-1, then the last word, then finalization and (wide) a second one.
  const steps = nFull + 1;
  const total = steps + (wide ? 2 : 1);
  for (let w = 0; w < total; w++) {
    if (w < nFull) {
      const i = off + 8 * w;
      mLo = msg[i]! | (msg[i + 1]! << 8) | (msg[i + 2]! << 16) | (msg[i + 3]! << 24);
      mHi = msg[i + 4]! | (msg[i + 5]! << 8) | (msg[i + 6]! << 16) | (msg[i + 7]! << 24);
    } else if (w === nFull) {
      mLo = lastLo | 0;
      mHi = lastHi | 0;
    }
    if (w < steps) {
      v3l ^= mLo;
      v3h ^= mHi;
      rounds = 2;
    } else if (w === steps) {
      v2l ^= wide ? 0xee : 0xff;
      rounds = 4;
    } else {
      v1l ^= 0xdd;
      rounds = 4;
    }
    for (let r = 0; r < rounds; r++) {
      // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
      tl = (v0l + v1l) | 0;
      v0h = (v0h + v1h + (tl >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = tl;
      th = (v1h << 13) | (v1l >>> 19);
      tl = (v1l << 13) | (v1h >>> 19);
      v1h = th ^ v0h;
      v1l = tl ^ v0l;
      th = v0h;
      v0h = v0l;
      v0l = th;
      // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
      tl = (v2l + v3l) | 0;
      v2h = (v2h + v3h + (tl >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = tl;
      th = (v3h << 16) | (v3l >>> 16);
      tl = (v3l << 16) | (v3h >>> 16);
      v3h = th ^ v2h;
      v3l = tl ^ v2l;
      // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
      tl = (v0l + v3l) | 0;
      v0h = (v0h + v3h + (tl >>> 0 < v0l >>> 0 ? 1 : 0)) | 0;
      v0l = tl;
      th = (v3h << 21) | (v3l >>> 11);
      tl = (v3l << 21) | (v3h >>> 11);
      v3h = th ^ v0h;
      v3l = tl ^ v0l;
      // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
      tl = (v2l + v1l) | 0;
      v2h = (v2h + v1h + (tl >>> 0 < v2l >>> 0 ? 1 : 0)) | 0;
      v2l = tl;
      th = (v1h << 17) | (v1l >>> 15);
      tl = (v1l << 17) | (v1h >>> 15);
      v1h = th ^ v2h;
      v1l = tl ^ v2l;
      th = v2h;
      v2h = v2l;
      v2l = th;
    }
    if (w < steps) {
      v0l ^= mLo;
      v0h ^= mHi;
    } else {
      const i = w === steps ? 0 : 2;
      OUT[i] = v0l ^ v1l ^ v2l ^ v3l;
      OUT[i + 1] = v0h ^ v1h ^ v2h ^ v3h;
    }
  }
}

/** Runs the core over a whole byte string (the generic path). */
function sipBytes(key: SipHashKey, msg: Uint8Array, wide: boolean): void {
  const len = msg.length;
  const nFull = len >>> 3;
  let lo = 0;
  let hi = (len & 0xff) << 24;
  const tail = nFull * 8;
  for (let i = len - 1; i >= tail; i--) {
    const shift = (i - tail) * 8;
    if (shift < 32) lo |= msg[i]! << shift;
    else hi |= msg[i]! << (shift - 32);
  }
  sipCore(key, msg, 0, nFull, lo >>> 0, hi >>> 0, wide);
}

/** Key halves from the 16-byte SipHash key (k0 = bytes 0..7 LE, k1 = bytes 8..15 LE). */
export function sipHashKeyFromBytes(key: Uint8Array): SipHashKey {
  assertLength(key, 16, 'SipHash key');
  return { k0lo: le32(key, 0), k0hi: le32(key, 4), k1lo: le32(key, 8), k1hi: le32(key, 12) };
}

/** Key halves from two uint64 words (Bitcoin Core's `CSipHasher(k0, k1)`). */
export function sipHashKeyFromU64(k0: bigint, k1: bigint): SipHashKey {
  checkU64(k0, 'k0');
  checkU64(k1, 'k1');
  return {
    k0lo: Number(k0 & MASK32),
    k0hi: Number(k0 >> 32n),
    k1lo: Number(k1 & MASK32),
    k1hi: Number(k1 >> 32n),
  };
}

function checkU64(v: bigint, what: string): void {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, `SipHash ${what} must be a uint64 bigint`);
  }
}

function keyOf(key: Uint8Array | SipHashKey): SipHashKey {
  return key instanceof Uint8Array ? sipHashKeyFromBytes(key) : key;
}

function writeLE32(out: Uint8Array, off: number, v: number): void {
  out[off] = v;
  out[off + 1] = v >>> 8;
  out[off + 2] = v >>> 16;
  out[off + 3] = v >>> 24;
}

function outToU64(i: number): bigint {
  return (BigInt(OUT[i + 1]!) << 32n) | BigInt(OUT[i]!);
}

/** SipHash-2-4 with 64-bit output, as 8 little-endian bytes (the paper's / vectors.h order). */
export function siphash24(key: Uint8Array | SipHashKey, msg: Uint8Array): Uint8Array {
  sipBytes(keyOf(key), msg, false);
  const out = new Uint8Array(8);
  writeLE32(out, 0, OUT[0]!);
  writeLE32(out, 4, OUT[1]!);
  return out;
}

/** SipHash-2-4 with 64-bit output, as a uint64 (what `uint64_t`-returning APIs give). */
export function siphash24U64(key: Uint8Array | SipHashKey, msg: Uint8Array): bigint {
  sipBytes(keyOf(key), msg, false);
  return outToU64(0);
}

/** SipHash-2-4 with 128-bit output (the paper's SipHash-128 variant), 16 bytes. */
export function siphash24x128(key: Uint8Array | SipHashKey, msg: Uint8Array): Uint8Array {
  sipBytes(keyOf(key), msg, true);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) writeLE32(out, 4 * i, OUT[i]!);
  return out;
}

/**
 * Bitcoin Core's `SipHashUint256(k0, k1, val)`: SipHash-2-4 of the 32 bytes of `val`
 * (its internal byte order, i.e. four LE u64 words), keyed by two u64s.
 */
export function sipHashUint256(
  k0: bigint | SipHashKey,
  k1: bigint | undefined,
  hash32: Uint8Array,
): bigint {
  sipUint256Halves(resolveKey(k0, k1), hash32);
  return outToU64(0);
}

/**
 * Bitcoin Core's `SipHashUint256Extra(k0, k1, val, extra)`: SipHash-2-4 of the 36-byte
 * string `val ‖ LE32(extra)` (the last block is `extra | 36 << 56`).
 */
export function sipHashUint256Extra(
  k0: bigint | SipHashKey,
  k1: bigint | undefined,
  hash32: Uint8Array,
  extra: number,
): bigint {
  sipUint256ExtraHalves(resolveKey(k0, k1), hash32, extra);
  return outToU64(0);
}

function resolveKey(k0: bigint | SipHashKey, k1: bigint | undefined): SipHashKey {
  if (typeof k0 === 'bigint') {
    if (k1 === undefined) {
      throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'SipHash k1 is missing');
    }
    return sipHashKeyFromU64(k0, k1);
  }
  return k0;
}

function sipUint256Halves(key: SipHashKey, hash32: Uint8Array): void {
  assertLength(hash32, 32, 'SipHashUint256 input');
  // 32 bytes: four full words, then an empty last block carrying the length 32.
  sipCore(key, hash32, 0, 4, 0, 32 << 24, false);
}

function sipUint256ExtraHalves(key: SipHashKey, hash32: Uint8Array, extra: number): void {
  assertLength(hash32, 32, 'SipHashUint256Extra input');
  if (!Number.isInteger(extra) || extra < 0 || extra > 0xffffffff) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'SipHashUint256Extra extra must be a u32');
  }
  sipCore(key, hash32, 0, 4, extra >>> 0, 36 << 24, false);
}

/**
 * The low 32 bits of `SipHashUint256` as a number: for hash tables, with no BigInt at all.
 * Pass a key made once with `sipHashKeyFromU64` / `sipHashKeyFromBytes`.
 */
export function sipHashUint256Low32(key: SipHashKey, hash32: Uint8Array): number {
  sipUint256Halves(key, hash32);
  return OUT[0]!;
}

/** The low 48 bits of `SipHashUint256Extra` / `SipHashUint256` as a number (fits 2^53). */
export function sipHashUint256Low48(key: SipHashKey, hash32: Uint8Array, extra?: number): number {
  if (extra === undefined) sipUint256Halves(key, hash32);
  else sipUint256ExtraHalves(key, hash32, extra);
  return (OUT[1]! & 0xffff) * 0x100000000 + OUT[0]!;
}
