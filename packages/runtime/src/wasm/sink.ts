/** A growable byte buffer with the LEB128 encoders of the WebAssembly binary format. */
export class ByteSink {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  u32(v: number): this {
    this.reserve(5);
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a safe integer (enough for i32.const and the i64 constants we emit). */
  sleb(v: number): this {
    this.reserve(10);
    for (;;) {
      const b = v & 0x7f;
      v = Math.floor(v / 128);
      const done = (v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40);
      this.buf[this.length++] = done ? b : b | 0x80;
      if (done) return this;
    }
  }

  /** Appends a length-prefixed section (or function body) built by `fill`. */
  section(id: number | undefined, fill: (s: ByteSink) => void): this {
    const inner = new ByteSink(256);
    fill(inner);
    if (id !== undefined) this.u8(id);
    this.u32(inner.length);
    return this.bytes(inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
