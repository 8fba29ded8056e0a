import { copyBytes } from './bytes.ts';
import { DecodeError, DecodeErrorCode } from './errors.ts';

/**
 * A bounds-checked cursor over bytes. Every read checks the remaining length first, and
 * every variable-length read takes a maximum that is checked *before* anything is
 * allocated, so an attacker-chosen length can never make us allocate.
 */
export class BufferReader {
  readonly data: Uint8Array;
  private pos: number;
  private readonly view: DataView;

  constructor(data: Uint8Array, offset = 0) {
    this.data = data;
    this.pos = offset;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.data.length - this.pos;
  }

  /** Throws unless `n` more bytes are available. */
  ensure(n: number, what = 'data'): void {
    if (n < 0 || this.pos + n > this.data.length) {
      throw new DecodeError(
        DecodeErrorCode.OUT_OF_BOUNDS,
        `unexpected end of ${what}: need ${n} bytes at offset ${this.pos}, have ${this.remaining}`,
        { offset: this.pos, need: n, have: this.remaining },
      );
    }
  }

  seek(offset: number): void {
    if (offset < 0 || offset > this.data.length) {
      throw new DecodeError(
        DecodeErrorCode.OUT_OF_BOUNDS,
        `seek to ${offset} outside 0..${this.data.length}`,
      );
    }
    this.pos = offset;
  }

  skip(n: number): void {
    this.ensure(n);
    this.pos += n;
  }

  u8(): number {
    this.ensure(1, 'u8');
    return this.data[this.pos++]!;
  }

  u16le(): number {
    this.ensure(2, 'u16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u16be(): number {
    this.ensure(2, 'u16');
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u24le(): number {
    this.ensure(3, 'u24');
    const d = this.data;
    const p = this.pos;
    this.pos += 3;
    return d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16);
  }

  u32le(): number {
    this.ensure(4, 'u32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32be(): number {
    this.ensure(4, 'u32');
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  i32le(): number {
    this.ensure(4, 'i32');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64le(): bigint {
    this.ensure(8, 'u64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64le(): bigint {
    this.ensure(8, 'i64');
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64be(): bigint {
    this.ensure(8, 'u64');
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A zero-copy view of the next `n` bytes. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.ensure(n, what);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A copy of the next `n` bytes (a plain Uint8Array, never sharing memory, even over a Buffer). */
  copyBytes(n: number, what = 'bytes'): Uint8Array {
    return copyBytes(this.bytes(n, what));
  }

  /**
   * Bitcoin CompactSize. Non-canonical encodings are rejected (as Core does), and the value
   * must not exceed `max` (Core's MAX_SIZE of 0x02000000 by default).
   */
  compactSize(max = MAX_COMPACT_SIZE, what = 'CompactSize'): number {
    const first = this.u8();
    let v: number;
    if (first < 0xfd) return checkMax(first, max, what, this.pos);
    if (first === 0xfd) {
      v = this.u16le();
      if (v < 0xfd) throw nonCanonical(what, this.pos);
    } else if (first === 0xfe) {
      v = this.u32le();
      if (v < 0x10000) throw nonCanonical(what, this.pos);
    } else {
      const big = this.u64le();
      if (big < 0x100000000n) throw nonCanonical(what, this.pos);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw tooLarge(what, big, max, this.pos);
      }
      v = Number(big);
    }
    return checkMax(v, max, what, this.pos);
  }

  /** A CompactSize length followed by that many bytes, with the length checked against `max`. */
  varBytes(max: number, what = 'var bytes'): Uint8Array {
    const n = this.compactSize(max, `${what} length`);
    return this.bytes(n, what);
  }

  /** Throws unless every byte was consumed. */
  assertEnd(what = 'data'): void {
    if (this.remaining !== 0) {
      throw new DecodeError(
        DecodeErrorCode.TRAILING_DATA,
        `${this.remaining} trailing bytes after ${what} at offset ${this.pos}`,
        { offset: this.pos, trailing: this.remaining },
      );
    }
  }
}

/** Bitcoin Core's MAX_SIZE: the largest CompactSize accepted by deserialization. */
export const MAX_COMPACT_SIZE = 0x02000000;

function checkMax(v: number, max: number, what: string, offset: number): number {
  if (v > max) throw tooLarge(what, v, max, offset);
  return v;
}

function tooLarge(what: string, v: number | bigint, max: number, offset: number): DecodeError {
  return new DecodeError(
    DecodeErrorCode.LIMIT_EXCEEDED,
    `${what} ${v} exceeds maximum ${max} (offset ${offset})`,
    { value: String(v), max, offset },
  );
}

function nonCanonical(what: string, offset: number): DecodeError {
  return new DecodeError(
    DecodeErrorCode.NON_CANONICAL,
    `non-canonical ${what} (offset ${offset})`,
    {
      offset,
    },
  );
}
