import { sha256 } from '@keel/crypto/hashes';
import {
  BufferWriter,
  bigIntToBytesLE,
  bytesToBigIntLE,
  DecodeError,
  DecodeErrorCode,
} from '@keel/util';
import type { OutPoint } from '../primitives/transaction.ts';
import type { Coin } from './coins.ts';

/*
 * MuHash3072 as Bitcoin Core's crypto/muhash.{h,cpp}: a multiset hash over the group of
 * integers modulo the prime 2^3072 - 1103717. An element is SHA256(data) used as a ChaCha20
 * key, whose first 384 keystream bytes (block counters 0..5, zero nonce) are read as a
 * little-endian number. The state is a fraction numerator/denominator so that inserting and
 * removing are each one multiplication; the single inversion happens in `finalize`, which
 * hashes the 384-byte little-endian result with SHA256.
 */

/** Bytes in a Num3072. */
export const NUM3072_BYTES = 384;
const BITS = 3072n;
const C = 1103717n;
/** The MuHash3072 modulus: the largest 3072-bit safe prime, 2^3072 - 1103717. */
export const MUHASH_PRIME = (1n << BITS) - C;
const MASK = (1n << BITS) - 1n;

/** x mod p, using 2^3072 ≡ 1103717 (mod p) to fold the high part down. */
function reduce(x: bigint): bigint {
  while (x > MASK) x = (x & MASK) + (x >> BITS) * C;
  return x >= MUHASH_PRIME ? x - MUHASH_PRIME : x;
}

function mulMod(a: bigint, b: bigint): bigint {
  return reduce(a * b);
}

/** Modular inverse by the extended Euclidean algorithm (p is prime, a ≠ 0). */
function invMod(a: bigint): bigint {
  let [r0, r1] = [MUHASH_PRIME, a];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + MUHASH_PRIME : t0;
}

/**
 * RFC 8439 §2.3 ChaCha20 keystream for (key, zero nonce), block counters 0..n-1, as 32-bit
 * words into `out`. Straight-line with locals: this runs for every coin added or spent.
 */
function chacha20Keystream(k: Uint32Array, out: Uint32Array): void {
  for (let ctr = 0; ctr < out.length / 16; ctr++) {
    let x0 = 0x61707865;
    let x1 = 0x3320646e;
    let x2 = 0x79622d32;
    let x3 = 0x6b206574;
    let x4 = k[0]!;
    let x5 = k[1]!;
    let x6 = k[2]!;
    let x7 = k[3]!;
    let x8 = k[4]!;
    let x9 = k[5]!;
    let x10 = k[6]!;
    let x11 = k[7]!;
    let x12 = ctr;
    let x13 = 0;
    let x14 = 0;
    let x15 = 0;
    for (let i = 0; i < 10; i++) {
      // column rounds
      x0 = (x0 + x4) | 0;
      x12 ^= x0;
      x12 = (x12 << 16) | (x12 >>> 16);
      x8 = (x8 + x12) | 0;
      x4 ^= x8;
      x4 = (x4 << 12) | (x4 >>> 20);
      x0 = (x0 + x4) | 0;
      x12 ^= x0;
      x12 = (x12 << 8) | (x12 >>> 24);
      x8 = (x8 + x12) | 0;
      x4 ^= x8;
      x4 = (x4 << 7) | (x4 >>> 25);
      x1 = (x1 + x5) | 0;
      x13 ^= x1;
      x13 = (x13 << 16) | (x13 >>> 16);
      x9 = (x9 + x13) | 0;
      x5 ^= x9;
      x5 = (x5 << 12) | (x5 >>> 20);
      x1 = (x1 + x5) | 0;
      x13 ^= x1;
      x13 = (x13 << 8) | (x13 >>> 24);
      x9 = (x9 + x13) | 0;
      x5 ^= x9;
      x5 = (x5 << 7) | (x5 >>> 25);
      x2 = (x2 + x6) | 0;
      x14 ^= x2;
      x14 = (x14 << 16) | (x14 >>> 16);
      x10 = (x10 + x14) | 0;
      x6 ^= x10;
      x6 = (x6 << 12) | (x6 >>> 20);
      x2 = (x2 + x6) | 0;
      x14 ^= x2;
      x14 = (x14 << 8) | (x14 >>> 24);
      x10 = (x10 + x14) | 0;
      x6 ^= x10;
      x6 = (x6 << 7) | (x6 >>> 25);
      x3 = (x3 + x7) | 0;
      x15 ^= x3;
      x15 = (x15 << 16) | (x15 >>> 16);
      x11 = (x11 + x15) | 0;
      x7 ^= x11;
      x7 = (x7 << 12) | (x7 >>> 20);
      x3 = (x3 + x7) | 0;
      x15 ^= x3;
      x15 = (x15 << 8) | (x15 >>> 24);
      x11 = (x11 + x15) | 0;
      x7 ^= x11;
      x7 = (x7 << 7) | (x7 >>> 25);
      // diagonal rounds
      x0 = (x0 + x5) | 0;
      x15 ^= x0;
      x15 = (x15 << 16) | (x15 >>> 16);
      x10 = (x10 + x15) | 0;
      x5 ^= x10;
      x5 = (x5 << 12) | (x5 >>> 20);
      x0 = (x0 + x5) | 0;
      x15 ^= x0;
      x15 = (x15 << 8) | (x15 >>> 24);
      x10 = (x10 + x15) | 0;
      x5 ^= x10;
      x5 = (x5 << 7) | (x5 >>> 25);
      x1 = (x1 + x6) | 0;
      x12 ^= x1;
      x12 = (x12 << 16) | (x12 >>> 16);
      x11 = (x11 + x12) | 0;
      x6 ^= x11;
      x6 = (x6 << 12) | (x6 >>> 20);
      x1 = (x1 + x6) | 0;
      x12 ^= x1;
      x12 = (x12 << 8) | (x12 >>> 24);
      x11 = (x11 + x12) | 0;
      x6 ^= x11;
      x6 = (x6 << 7) | (x6 >>> 25);
      x2 = (x2 + x7) | 0;
      x13 ^= x2;
      x13 = (x13 << 16) | (x13 >>> 16);
      x8 = (x8 + x13) | 0;
      x7 ^= x8;
      x7 = (x7 << 12) | (x7 >>> 20);
      x2 = (x2 + x7) | 0;
      x13 ^= x2;
      x13 = (x13 << 8) | (x13 >>> 24);
      x8 = (x8 + x13) | 0;
      x7 ^= x8;
      x7 = (x7 << 7) | (x7 >>> 25);
      x3 = (x3 + x4) | 0;
      x14 ^= x3;
      x14 = (x14 << 16) | (x14 >>> 16);
      x9 = (x9 + x14) | 0;
      x4 ^= x9;
      x4 = (x4 << 12) | (x4 >>> 20);
      x3 = (x3 + x4) | 0;
      x14 ^= x3;
      x14 = (x14 << 8) | (x14 >>> 24);
      x9 = (x9 + x14) | 0;
      x4 ^= x9;
      x4 = (x4 << 7) | (x4 >>> 25);
    }
    const o = ctr * 16;
    out[o] = x0 + 0x61707865;
    out[o + 1] = x1 + 0x3320646e;
    out[o + 2] = x2 + 0x79622d32;
    out[o + 3] = x3 + 0x6b206574;
    out[o + 4] = x4 + k[0]!;
    out[o + 5] = x5 + k[1]!;
    out[o + 6] = x6 + k[2]!;
    out[o + 7] = x7 + k[3]!;
    out[o + 8] = x8 + k[4]!;
    out[o + 9] = x9 + k[5]!;
    out[o + 10] = x10 + k[6]!;
    out[o + 11] = x11 + k[7]!;
    out[o + 12] = x12 + ctr;
    out[o + 13] = x13;
    out[o + 14] = x14;
    out[o + 15] = x15;
  }
}

/** Little-endian bytes (a multiple of 8) to a BigInt, 64 bits at a time. */
function leBytesToBigInt(view: DataView): bigint {
  let x = 0n;
  for (let i = view.byteLength - 8; i >= 0; i -= 8) x = (x << 64n) | view.getBigUint64(i, true);
  return x;
}

const keyWords = new Uint32Array(8);
const stream = new Uint32Array(NUM3072_BYTES / 4);
const streamView = new DataView(stream.buffer);

/** Core's ToNum3072: the group element a piece of data maps to. */
export function muhashElement(data: Uint8Array): bigint {
  const h = sha256(data);
  const dv = new DataView(h.buffer, h.byteOffset, 32);
  for (let i = 0; i < 8; i++) keyWords[i] = dv.getUint32(i * 4, true);
  chacha20Keystream(keyWords, stream);
  // words to little-endian bytes whatever the platform's byte order
  for (let i = 0; i < stream.length; i++) streamView.setUint32(i * 4, stream[i]!, true);
  return leBytesToBigInt(streamView);
}

/** A running MuHash3072 over a multiset of byte strings (Core's MuHash3072). */
export class MuHash3072 {
  private numerator = 1n;
  private denominator = 1n;

  /** Adds an element (Core's Insert / `*=`). */
  insert(data: Uint8Array): this {
    this.numerator = mulMod(this.numerator, muhashElement(data));
    return this;
  }

  /** Removes an element (Core's Remove / `/=`); it need not have been inserted first. */
  remove(data: Uint8Array): this {
    this.denominator = mulMod(this.denominator, muhashElement(data));
    return this;
  }

  /** Multiset union with another accumulator (Core's `*=` of two MuHash3072). */
  combine(other: MuHash3072): this {
    this.numerator = mulMod(this.numerator, other.numerator);
    this.denominator = mulMod(this.denominator, other.denominator);
    return this;
  }

  /** Multiset difference (Core's `/=` of two MuHash3072). */
  divide(other: MuHash3072): this {
    this.numerator = mulMod(this.numerator, other.denominator);
    this.denominator = mulMod(this.denominator, other.numerator);
    return this;
  }

  /**
   * The 32-byte hash in raw SHA256 order. Core prints it (gettxoutsetinfo's `muhash`)
   * byte-reversed, like every uint256. Normalizes the state to denominator 1.
   */
  finalize(): Uint8Array {
    this.numerator = mulMod(this.numerator, invMod(this.denominator));
    this.denominator = 1n;
    return sha256(bigIntToBytesLE(this.numerator, NUM3072_BYTES));
  }

  /** Core's serialization: numerator ‖ denominator, 384 bytes each, little-endian. */
  serialize(): Uint8Array {
    const out = new Uint8Array(2 * NUM3072_BYTES);
    out.set(bigIntToBytesLE(this.numerator, NUM3072_BYTES), 0);
    out.set(bigIntToBytesLE(this.denominator, NUM3072_BYTES), NUM3072_BYTES);
    return out;
  }

  static deserialize(bytes: Uint8Array): MuHash3072 {
    if (bytes.length !== 2 * NUM3072_BYTES) {
      throw new DecodeError(
        DecodeErrorCode.INVALID_VALUE,
        `MuHash3072 state must be ${2 * NUM3072_BYTES} bytes, got ${bytes.length}`,
      );
    }
    const m = new MuHash3072();
    // like Core, numbers at or above the modulus are accepted and reduced
    m.numerator = reduce(bytesToBigIntLE(bytes.subarray(0, NUM3072_BYTES)));
    m.denominator = reduce(bytesToBigIntLE(bytes.subarray(NUM3072_BYTES)));
    if (m.denominator === 0n) {
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'MuHash3072 denominator is zero');
    }
    return m;
  }

  clone(): MuHash3072 {
    const m = new MuHash3072();
    m.numerator = this.numerator;
    m.denominator = this.denominator;
    return m;
  }
}

/**
 * Core's TxOutSer (kernel/coinstats.cpp), the bytes one coin contributes to the UTXO-set
 * MuHash: outpoint (txid, u32 vout), u32 (height·2 + coinbase), then the CTxOut (i64 value,
 * CompactSize-prefixed scriptPubKey).
 */
export function coinHashBytes(outpoint: OutPoint, coin: Coin): Uint8Array {
  const w = new BufferWriter(32 + 4 + 4 + 8 + 9 + coin.scriptPubKey.length);
  w.bytes(outpoint.txid);
  w.u32le(outpoint.vout);
  w.u32le(((coin.height << 1) | (coin.coinbase ? 1 : 0)) >>> 0);
  w.i64le(coin.value);
  w.varBytes(coin.scriptPubKey);
  return w.finish();
}
