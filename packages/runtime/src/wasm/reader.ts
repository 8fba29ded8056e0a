import { ModuleValidationError, RuntimeErrorCode } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A bounded cursor over a module's bytes. Every read checks the bytes left before the current
 * `end` (the enclosing section or function body), LEB128 integers are checked against the
 * spec's width limits (WebAssembly core spec 5.2.2), and every count is checked against a
 * limit and the bytes left before the caller allocates anything for it.
 */
export class WasmReader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  section: string | undefined;
  funcIndex: number | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.section = undefined;
    this.funcIndex = undefined;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: RuntimeErrorCode, message: string, offset = this.pos): never {
    throw new ModuleValidationError(code, message, {
      ...(this.section !== undefined ? { section: this.section } : {}),
      ...(this.funcIndex !== undefined ? { funcIndex: this.funcIndex } : {}),
      offset,
    });
  }

  malformed(message: string, offset = this.pos): never {
    this.fail(RuntimeErrorCode.MALFORMED, message, offset);
  }

  ensure(n: number, what: string): void {
    if (n > this.end - this.pos) {
      this.malformed(`unexpected end: ${what} needs ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  u8(): number {
    if (this.pos >= this.end) this.malformed('unexpected end of data');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128, at most 5 bytes; the unused bits of the 5th byte must be zero. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        if (b & 0xf0) this.malformed('u32 LEB128 overflows 32 bits', start);
        return (result + b * 2 ** 28) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if (!(b & 0x80)) return result >>> 0;
    }
    return this.malformed('u32 LEB128 too long', start);
  }

  /** Signed LEB128 of `bits` width (32, 33 or 64): skips it, checking width and sign bits. */
  skipSigned(bits: 32 | 33 | 64): void {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      if (b & 0x80) continue;
      if (i === maxBytes - 1) {
        // spec 5.2.2: the unused high bits of the last byte must all equal the sign bit
        const used = bits - 7 * i;
        const top = (b & 0x7f) >> (used - 1);
        if (top !== 0 && top !== (1 << (8 - used)) - 1) {
          this.malformed(`s${bits} LEB128 has invalid high bits`, start);
        }
      }
      return;
    }
    this.malformed(`s${bits} LEB128 too long`, start);
  }

  /** Signed 33-bit LEB128 (a block type's type index). */
  s33(): number {
    const start = this.pos;
    this.skipSigned(33);
    let result = 0;
    let mul = 1;
    for (let p = start; p < this.pos; p++) {
      result += (this.bytes[p]! & 0x7f) * mul;
      mul *= 128;
    }
    if (this.bytes[this.pos - 1]! & 0x40) result -= mul;
    return result;
  }

  /** Reads a count and checks it against `limit` and the bytes left (`minItemBytes` each). */
  count(limit: number, what: string, minItemBytes = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (n > limit) {
      this.fail(RuntimeErrorCode.LIMIT_EXCEEDED, `${what}: ${n} exceeds the limit of ${limit}`, at);
    }
    if (n * minItemBytes > this.end - this.pos) {
      this.malformed(`${what}: count ${n} cannot fit in the ${this.end - this.pos} bytes left`, at);
    }
    return n;
  }

  /** A length-prefixed UTF-8 name (spec 5.2.4), at most `limit` bytes. */
  name(limit: number, what: string): string {
    const len = this.count(limit, `${what} length`);
    const start = this.pos;
    this.pos += len;
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch {
      return this.malformed(`${what} is not valid UTF-8`, start);
    }
  }

  skip(n: number, what: string): void {
    this.ensure(n, what);
    this.pos += n;
  }
}
