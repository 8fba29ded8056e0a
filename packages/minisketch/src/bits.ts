/**
 * LSB-first bit packing, as libminisketch's BitWriter/BitReader: values of `n` bits follow each
 * other with no padding, bit 0 of the stream is bit 0 of byte 0. Values are unsigned 32-bit
 * chunks (wider elements are written as their low word, then their high word).
 */
export function writeBits(out: Uint8Array, pos: number, value: number, n: number): void {
  let v = value >>> 0;
  let p = pos;
  let left = n;
  while (left > 0) {
    const off = p & 7;
    const take = Math.min(8 - off, left);
    out[p >> 3] = out[p >> 3]! | ((v & ((1 << take) - 1)) << off);
    v >>>= take;
    p += take;
    left -= take;
  }
}

export function readBits(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  let p = pos;
  let got = 0;
  while (got < n) {
    const off = p & 7;
    const take = Math.min(8 - off, n - got);
    v |= ((bytes[p >> 3]! >>> off) & ((1 << take) - 1)) << got;
    p += take;
    got += take;
  }
  return got === 32 ? v : v & ((2 ** n - 1) | 0);
}
