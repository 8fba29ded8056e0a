import { fieldModulus } from '../moduli.ts';
import { quadraticBasis } from './quadratic.ts';
import { seedToElement } from './seed.ts';
import type { GF } from './types.ts';

/**
 * GF(2^bits) for bits <= 32 on plain numbers: elements are int32 (bit 31 is the sign for
 * 32-bit fields), so every operation is 32-bit integer work. Squaring and the quadratic solver
 * are linear maps applied by byte tables; repeated products by one element go through a
 * 4-bit-window table (8 lookups), like libminisketch's generic fields.
 */
export class SmallField implements GF<number, Int32Array> {
  readonly bits: number;
  readonly zero = 0;
  readonly one = 1;
  private readonly top: number;
  private readonly modulus: number;
  private readonly sqrTable: Int32Array;
  private readonly qrtTable: Int32Array;
  private readonly scratch = new Int32Array(128);

  constructor(bits: number) {
    this.bits = bits;
    this.top = (1 << (bits - 1)) | 0;
    // x^bits falls off the int32 for 32 bits; for fewer it is cleared by the XOR.
    this.modulus = Number(BigInt.asIntN(32, fieldModulus(bits)));
    const sqrImages: number[] = [];
    let e = 1;
    for (let i = 0; i < bits; i++) {
      sqrImages.push(e);
      e = this.mul2(this.mul2(e));
    }
    this.sqrTable = byteTables(sqrImages);
    const sqrBig = (a: bigint): bigint => BigInt(this.sqr(Number(BigInt.asIntN(32, a))) >>> 0);
    this.qrtTable = byteTables(
      quadraticBasis(bits, sqrBig).map((v) => Number(BigInt.asIntN(32, v))),
    );
  }

  add(a: number, b: number): number {
    return a ^ b;
  }

  isZero(a: number): boolean {
    return a === 0;
  }

  mul2(a: number): number {
    return (a & this.top) !== 0 ? (a << 1) ^ this.modulus : a << 1;
  }

  mul(a: number, b: number): number {
    let r = 0;
    let x = a;
    for (let y = b >>> 0; y !== 0; y >>>= 1) {
      if ((y & 1) !== 0) r ^= x;
      x = (x & this.top) !== 0 ? (x << 1) ^ this.modulus : x << 1;
    }
    return r;
  }

  sqr(a: number): number {
    const t = this.sqrTable;
    return (
      t[a & 255]! ^
      t[256 + ((a >>> 8) & 255)]! ^
      t[512 + ((a >>> 16) & 255)]! ^
      t[768 + (a >>> 24)]!
    );
  }

  inv(a: number): number {
    // Itoh-Tsujii: a^-1 = (a^(2^(bits-1) - 1))^2, building beta(k) = a^(2^k - 1) along the bits
    // of bits-1: beta(2k) = beta(k)^(2^k) * beta(k), beta(k+1) = beta(k)^2 * a.
    const n = this.bits - 1;
    let beta = a;
    let k = 1;
    for (let bit = 31 - Math.clz32(n) - 1; bit >= 0; bit--) {
      let t = beta;
      for (let i = 0; i < k; i++) t = this.sqr(t);
      beta = this.mul(t, beta);
      k *= 2;
      if (((n >>> bit) & 1) !== 0) {
        beta = this.mul(this.sqr(beta), a);
        k += 1;
      }
    }
    return this.sqr(beta);
  }

  prepare(a: number): Int32Array {
    return this.fillTable(new Int32Array(128), a);
  }

  /** A prepared multiplier in a buffer shared by every call: valid until the next call. */
  prepareScratch(a: number): Int32Array {
    return this.fillTable(this.scratch, a);
  }

  mulPrepared(t: Int32Array, b: number): number {
    return (
      t[b & 15]! ^
      t[16 + ((b >>> 4) & 15)]! ^
      t[32 + ((b >>> 8) & 15)]! ^
      t[48 + ((b >>> 12) & 15)]! ^
      t[64 + ((b >>> 16) & 15)]! ^
      t[80 + ((b >>> 20) & 15)]! ^
      t[96 + ((b >>> 24) & 15)]! ^
      t[112 + (b >>> 28)]!
    );
  }

  solveQuadratic(c: number): number | undefined {
    const t = this.qrtTable;
    const y =
      t[c & 255]! ^
      t[256 + ((c >>> 8) & 255)]! ^
      t[512 + ((c >>> 16) & 255)]! ^
      t[768 + (c >>> 24)]!;
    return (this.sqr(y) ^ y) === c ? y : undefined;
  }

  fromBigInt(v: bigint): number {
    return Number(BigInt.asIntN(32, v));
  }

  toBigInt(a: number): bigint {
    return BigInt(a >>> 0);
  }

  fromSeed(seed: bigint): number {
    return this.fromBigInt(seedToElement(seed, this.bits));
  }

  private fillTable(t: Int32Array, a: number): Int32Array {
    const nibbles = (this.bits + 3) >> 2;
    let base = a;
    for (let k = 0; k < nibbles; k++) {
      const o = k * 16;
      const b1 = this.mul2(base);
      const b2 = this.mul2(b1);
      const b3 = this.mul2(b2);
      t[o] = 0;
      t[o + 1] = base;
      t[o + 2] = b1;
      t[o + 3] = b1 ^ base;
      t[o + 4] = b2;
      t[o + 5] = b2 ^ base;
      t[o + 6] = b2 ^ b1;
      t[o + 7] = b2 ^ b1 ^ base;
      for (let j = 0; j < 8; j++) t[o + 8 + j] = t[o + j]! ^ b3;
      base = this.mul2(b3);
    }
    return t;
  }
}

/** Byte tables (4 x 256) of the GF(2)-linear map sending x^i to images[i]. */
function byteTables(images: readonly number[]): Int32Array {
  const t = new Int32Array(1024);
  for (let k = 0; k < 4; k++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const i = 8 * k + (31 - Math.clz32(low));
      t[256 * k + v] = t[256 * k + (v ^ low)]! ^ (images[i] ?? 0);
    }
  }
  return t;
}
