import { fieldModulus } from '../moduli.ts';
import { itohTsujiiInverse, squareImages } from './inverse.ts';
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
  private readonly topShift: number;
  private readonly modulus: number;
  private readonly sqrTable: Int32Array;
  private readonly qrtTable: Int32Array;
  private readonly scratch = new Int32Array(128);
  private readonly scratch2 = new Int32Array(128);

  constructor(bits: number) {
    this.bits = bits;
    this.topShift = bits - 1;
    // x^bits falls off the int32 for 32 bits; for fewer it is cleared by the XOR.
    this.modulus = Number(BigInt.asIntN(32, fieldModulus(bits)));
    const sqrImages = squareImages(this, 1);
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
    // Branch-free: the top bit decides data-dependently, so a branch would mispredict half
    // the time (this is the inner step of every table build).
    return (a << 1) ^ (this.modulus & -((a >>> this.topShift) & 1));
  }

  mul(a: number, b: number): number {
    let r = 0;
    let x = a;
    const m = this.modulus;
    const sh = this.topShift;
    for (let y = b >>> 0; y !== 0; y >>>= 1) {
      r ^= x & -(y & 1);
      x = (x << 1) ^ (m & -((x >>> sh) & 1));
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
    return itohTsujiiInverse(this, a);
  }

  prepare(a: number): Int32Array {
    return this.fillTable(new Int32Array(128), a);
  }

  prepareMany(values: readonly number[]): Int32Array[] {
    const slab = new Int32Array(128 * values.length);
    return values.map((v, i) => this.fillTable(slab.subarray(128 * i, 128 * i + 128), v));
  }

  /** A prepared multiplier in a buffer shared by every call: valid until the next call. */
  prepareScratch(a: number): Int32Array {
    return this.fillTable(this.scratch, a);
  }

  /**
   * s[i] ^= v^(2i+1) for every i (adding v to a sketch). Four interleaved chains stepping by
   * v^8 instead of one stepping by v^2: the products no longer wait on each other.
   */
  addOddPowers(s: Int32Array, v: number): void {
    const n = s.length;
    const t2 = this.fillTable(this.scratch, this.sqr(v));
    if (n < 8) {
      let e = v;
      for (let i = 0; i < n; i++) {
        s[i] = s[i]! ^ e;
        e = this.mulPrepared(t2, e);
      }
      return;
    }
    let e1 = v;
    let e3 = this.mulPrepared(t2, e1);
    let e5 = this.mulPrepared(t2, e3);
    let e7 = this.mulPrepared(t2, e5);
    const t8 = this.fillTable(this.scratch2, this.sqr(this.sqr(this.sqr(v))));
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      s[i] = s[i]! ^ e1;
      s[i + 1] = s[i + 1]! ^ e3;
      s[i + 2] = s[i + 2]! ^ e5;
      s[i + 3] = s[i + 3]! ^ e7;
      e1 = mulT(t8, e1);
      e3 = mulT(t8, e3);
      e5 = mulT(t8, e5);
      e7 = mulT(t8, e7);
    }
    const rest = [e1, e3, e5];
    for (let k = 0; i < n; i++, k++) s[i] = s[i]! ^ rest[k]!;
  }

  mulPrepared(t: Int32Array, b: number): number {
    return mulT(t, b);
  }

  mulAddRow(out: number[], off: number, t: Int32Array, row: readonly number[], n: number): void {
    // mulT inlined with the windows read once: this loop is most of a decode's time.
    for (let k = 0; k < n; k++) {
      const b = row[k]!;
      out[off + k] =
        out[off + k]! ^
        t[b & 15]! ^
        t[16 | ((b >>> 4) & 15)]! ^
        t[32 | ((b >>> 8) & 15)]! ^
        t[48 | ((b >>> 12) & 15)]! ^
        t[64 | ((b >>> 16) & 15)]! ^
        t[80 | ((b >>> 20) & 15)]! ^
        t[96 | ((b >>> 24) & 15)]! ^
        t[112 | (b >>> 28)]!;
    }
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
    const m = this.modulus;
    const sh = this.topShift;
    let base = a;
    for (let k = 0; k < nibbles; k++) {
      const o = k * 16;
      const b1 = (base << 1) ^ (m & -((base >>> sh) & 1));
      const b2 = (b1 << 1) ^ (m & -((b1 >>> sh) & 1));
      const b3 = (b2 << 1) ^ (m & -((b2 >>> sh) & 1));
      t[o] = 0;
      t[o + 1] = base;
      t[o + 2] = b1;
      t[o + 3] = b1 ^ base;
      t[o + 4] = b2;
      t[o + 5] = b2 ^ base;
      t[o + 6] = b2 ^ b1;
      t[o + 7] = b2 ^ b1 ^ base;
      t[o + 8] = b3;
      t[o + 9] = b3 ^ base;
      t[o + 10] = b3 ^ b1;
      t[o + 11] = b3 ^ b1 ^ base;
      t[o + 12] = b3 ^ b2;
      t[o + 13] = b3 ^ b2 ^ base;
      t[o + 14] = b3 ^ b2 ^ b1;
      t[o + 15] = b3 ^ b2 ^ b1 ^ base;
      base = (b3 << 1) ^ (m & -((b3 >>> sh) & 1));
    }
    return t;
  }
}

/** b times the element prepared in t (4-bit windows; unused windows of small fields are 0). */
function mulT(t: Int32Array, b: number): number {
  return (
    t[b & 15]! ^
    t[16 | ((b >>> 4) & 15)]! ^
    t[32 | ((b >>> 8) & 15)]! ^
    t[48 | ((b >>> 12) & 15)]! ^
    t[64 | ((b >>> 16) & 15)]! ^
    t[80 | ((b >>> 20) & 15)]! ^
    t[96 | ((b >>> 24) & 15)]! ^
    t[112 | (b >>> 28)]!
  );
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
