import { InvalidArgumentError } from './errors.ts';

/** A growable byte writer. Integers are range-checked; nothing is silently truncated. */
export class BufferWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private grow(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    checkUint(v, 0xff, 'u8');
    this.grow(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16le(v: number): this {
    checkUint(v, 0xffff, 'u16');
    this.grow(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u16be(v: number): this {
    checkUint(v, 0xffff, 'u16');
    this.grow(2);
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
    return this;
  }

  u24le(v: number): this {
    checkUint(v, 0xffffff, 'u24');
    this.grow(3);
    this.buf[this.pos] = v & 0xff;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = (v >>> 16) & 0xff;
    this.pos += 3;
    return this;
  }

  u32le(v: number): this {
    checkUint(v, 0xffffffff, 'u32');
    this.grow(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u32be(v: number): this {
    checkUint(v, 0xffffffff, 'u32');
    this.grow(4);
    this.view.setUint32(this.pos, v, false);
    this.pos += 4;
    return this;
  }

  i32le(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new InvalidArgumentError(`i32 out of range: ${v}`);
    }
    this.grow(4);
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64le(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new InvalidArgumentError(`u64 out of range: ${v}`);
    this.grow(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  i64le(v: bigint): this {
    if (v < -(1n << 63n) || v >= 1n << 63n)
      throw new InvalidArgumentError(`i64 out of range: ${v}`);
    this.grow(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  u64be(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new InvalidArgumentError(`u64 out of range: ${v}`);
    this.grow(8);
    this.view.setBigUint64(this.pos, v, false);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Bitcoin CompactSize, always in its canonical (shortest) form. */
  compactSize(n: number): this {
    checkUint(n, Number.MAX_SAFE_INTEGER, 'CompactSize');
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff) return this.u8(0xfd).u16le(n);
    if (n <= 0xffffffff) return this.u8(0xfe).u32le(n);
    return this.u8(0xff).u64le(BigInt(n));
  }

  varBytes(b: Uint8Array): this {
    return this.compactSize(b.length).bytes(b);
  }

  /** A copy of everything written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new InvalidArgumentError(`${what} out of range: ${v}`);
  }
}

/** Encoded size of a CompactSize. */
export function compactSizeLength(n: number): number {
  if (n < 0xfd) return 1;
  if (n <= 0xffff) return 3;
  if (n <= 0xffffffff) return 5;
  return 9;
}

export function encodeCompactSize(n: number): Uint8Array {
  return new BufferWriter(9).compactSize(n).finish();
}
