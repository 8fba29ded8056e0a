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

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

/** RFC 8439 §2.3 ChaCha20 block function: 64 keystream bytes for (key, counter, zero nonce). */
function chacha20Block(key: Uint32Array, counter: number, out: Uint8Array, at: number): void {
  const s = new Uint32Array(16);
  s[0] = 0x61707865;
  s[1] = 0x3320646e;
  s[2] = 0x79622d32;
  s[3] = 0x6b206574;
  s.set(key, 4);
  s[12] = counter;
  const x = s.slice();
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a]! + x[b]!) | 0;
    x[d] = rotl(x[d]! ^ x[a]!, 16);
    x[c] = (x[c]! + x[d]!) | 0;
    x[b] = rotl(x[b]! ^ x[c]!, 12);
    x[a] = (x[a]! + x[b]!) | 0;
    x[d] = rotl(x[d]! ^ x[a]!, 8);
    x[c] = (x[c]! + x[d]!) | 0;
    x[b] = rotl(x[b]! ^ x[c]!, 7);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
  const view = new DataView(out.buffer, out.byteOffset + at, 64);
  for (let i = 0; i < 16; i++) view.setUint32(i * 4, (x[i]! + s[i]!) >>> 0, true);
}

/** Core's ToNum3072: the group element a piece of data maps to. */
export function muhashElement(data: Uint8Array): bigint {
  const h = sha256(data);
  const dv = new DataView(h.buffer, h.byteOffset, 32);
  const key = new Uint32Array(8);
  for (let i = 0; i < 8; i++) key[i] = dv.getUint32(i * 4, true);
  const stream = new Uint8Array(NUM3072_BYTES);
  for (let c = 0; c < NUM3072_BYTES / 64; c++) chacha20Block(key, c, stream, c * 64);
  return bytesToBigIntLE(stream);
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
