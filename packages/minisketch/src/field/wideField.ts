import { fieldModulusLow } from '../moduli.ts';
import { itohTsujiiInverse, squareImages } from './inverse.ts';
import { quadraticBasis } from './quadratic.ts';
import { seedToElement } from './seed.ts';
import type { GF } from './types.ts';

const LOW32 = 0xffffffffn;

/** Prepared multiplier: 16 four-bit windows of the element times x^(4k), high and low words. */
export interface WideTable {
  readonly hi: Int32Array;
  readonly lo: Int32Array;
}

/**
 * GF(2^bits) for 33..64 bits. Elements are bigints at the interface, but every product is done on
 * two 32-bit words (all minisketch moduli have their low terms below x^32, so reduction touches
 * only the low word plus the cleared x^bits bit), which keeps bigint work to splitting and joining.
 */
export class WideField implements GF<bigint, WideTable> {
  readonly bits: number;
  readonly zero = 0n;
  readonly one = 1n;
  private readonly topH: number;
  private readonly clearH: number;
  private readonly modL: number;
  private readonly sqrT: WideTable;
  private readonly qrtT: WideTable;
  private rh = 0;
  private rl = 0;

  constructor(bits: number) {
    this.bits = bits;
    this.topH = (1 << (bits - 33)) | 0;
    this.clearH = bits === 64 ? 0 : (1 << (bits - 32)) | 0;
    this.modL = Number(BigInt.asIntN(32, fieldModulusLow(bits)));
    const sqrImages = squareImages(this, 1n);
    this.sqrT = byteTables(sqrImages);
    this.qrtT = byteTables(quadraticBasis(bits, (a) => this.sqr(a)));
  }

  add(a: bigint, b: bigint): bigint {
    return a ^ b;
  }

  isZero(a: bigint): boolean {
    return a === 0n;
  }

  mul2(a: bigint): bigint {
    const r = a << 1n;
    return r >> BigInt(this.bits) !== 0n
      ? r ^ ((1n << BigInt(this.bits)) | fieldModulusLowCached(this.bits))
      : r;
  }

  mul(a: bigint, b: bigint): bigint {
    let xh = Number(a >> 32n) | 0;
    let xl = Number(a & LOW32) | 0;
    let yh = Number(b >> 32n) >>> 0;
    let yl = Number(b & LOW32) >>> 0;
    let rh = 0;
    let rl = 0;
    for (let i = 0; i < 64 && (yl | yh) !== 0; i++) {
      if ((yl & 1) !== 0) {
        rh ^= xh;
        rl ^= xl;
      }
      yl = (yl >>> 1) | ((yh & 1) << 31);
      yh >>>= 1;
      const over = xh & this.topH;
      xh = (xh << 1) | (xl >>> 31);
      xl <<= 1;
      if (over !== 0) {
        xh ^= this.clearH;
        xl ^= this.modL;
      }
    }
    return join(rh, rl);
  }

  sqr(a: bigint): bigint {
    this.mapBytes(this.sqrT, Number(a >> 32n) | 0, Number(a & LOW32) | 0);
    return join(this.rh, this.rl);
  }

  inv(a: bigint): bigint {
    return itohTsujiiInverse(this, a);
  }

  private readonly scratch: WideTable = { hi: new Int32Array(256), lo: new Int32Array(256) };

  prepare(a: bigint): WideTable {
    return this.fillTable({ hi: new Int32Array(256), lo: new Int32Array(256) }, a);
  }

  prepareMany(values: readonly bigint[]): WideTable[] {
    return values.map((v) => this.prepare(v));
  }

  prepareScratch(a: bigint): WideTable {
    return this.fillTable(this.scratch, a);
  }

  private fillTable(t: WideTable, a: bigint): WideTable {
    const { hi, lo } = t;
    let bh = Number(a >> 32n) | 0;
    let bl = Number(a & LOW32) | 0;
    for (let k = 0; k < 16; k++) {
      const o = k * 16;
      for (let j = 0; j < 4; j++) {
        const s = 1 << j;
        hi[o + s] = bh;
        lo[o + s] = bl;
        for (let m = 1; m < s; m++) {
          hi[o + s + m] = hi[o + m]! ^ bh;
          lo[o + s + m] = lo[o + m]! ^ bl;
        }
        const over = bh & this.topH;
        bh = (bh << 1) | (bl >>> 31);
        bl <<= 1;
        if (over !== 0) {
          bh ^= this.clearH;
          bl ^= this.modL;
        }
      }
    }
    return t;
  }

  mulAddRow(out: bigint[], off: number, t: WideTable, row: readonly bigint[], n: number): void {
    for (let k = 0; k < n; k++) out[off + k] = out[off + k]! ^ this.mulPrepared(t, row[k]!);
  }

  mulPrepared(t: WideTable, b: bigint): bigint {
    const yh = Number(b >> 32n) | 0;
    const yl = Number(b & LOW32) | 0;
    let rh = 0;
    let rl = 0;
    for (let k = 0; k < 8; k++) {
      const i = k * 16 + ((yl >>> (4 * k)) & 15);
      const j = 128 + k * 16 + ((yh >>> (4 * k)) & 15);
      rh ^= t.hi[i]! ^ t.hi[j]!;
      rl ^= t.lo[i]! ^ t.lo[j]!;
    }
    return join(rh, rl);
  }

  solveQuadratic(c: bigint): bigint | undefined {
    this.mapBytes(this.qrtT, Number(c >> 32n) | 0, Number(c & LOW32) | 0);
    const y = join(this.rh, this.rl);
    return (this.sqr(y) ^ y) === c ? y : undefined;
  }

  fromBigInt(v: bigint): bigint {
    return BigInt.asUintN(this.bits, v);
  }

  toBigInt(a: bigint): bigint {
    return a;
  }

  fromSeed(seed: bigint): bigint {
    return seedToElement(seed, this.bits);
  }

  private mapBytes(t: WideTable, h: number, l: number): void {
    let rh = 0;
    let rl = 0;
    for (let k = 0; k < 4; k++) {
      const i = 256 * k + ((l >>> (8 * k)) & 255);
      const j = 1024 + 256 * k + ((h >>> (8 * k)) & 255);
      rh ^= t.hi[i]! ^ t.hi[j]!;
      rl ^= t.lo[i]! ^ t.lo[j]!;
    }
    this.rh = rh;
    this.rl = rl;
  }
}

const lowCache = new Map<number, bigint>();
function fieldModulusLowCached(bits: number): bigint {
  let m = lowCache.get(bits);
  if (m === undefined) {
    m = fieldModulusLow(bits);
    lowCache.set(bits, m);
  }
  return m;
}

function join(h: number, l: number): bigint {
  return (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
}

/** Byte tables (8 x 256, low word bytes then high word bytes) of the linear map x^i -> images[i]. */
function byteTables(images: readonly bigint[]): WideTable {
  const hi = new Int32Array(2048);
  const lo = new Int32Array(2048);
  for (let k = 0; k < 8; k++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      const img = images[8 * k + (31 - Math.clz32(low))] ?? 0n;
      const o = 256 * k;
      hi[o + v] = hi[o + (v ^ low)]! ^ (Number(img >> 32n) | 0);
      lo[o + v] = lo[o + (v ^ low)]! ^ (Number(img & LOW32) | 0);
    }
  }
  return { hi, lo };
}
