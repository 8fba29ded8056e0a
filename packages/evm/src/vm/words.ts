/** 256-bit words as bigint: conversions to and from bytes, tuned for the interpreter. */

export const MAX_U256 = (1n << 256n) - 1n;
export const SIGN_BIT = 1n << 255n;
export const TWO_256 = 1n << 256n;
export const ADDRESS_MASK = (1n << 160n) - 1n;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Big-endian bytes `buf[start, start+len)` as an unsigned integer (bytes past the end read 0). */
export function readWord(buf: Uint8Array, start: number, len: number): bigint {
  if (len <= 6 && start + len <= buf.length) {
    let n = 0;
    for (let i = start; i < start + len; i++) n = n * 256 + buf[i]!;
    return BigInt(n);
  }
  let s = '0x';
  const end = Math.min(start + len, buf.length);
  let i = start;
  for (; i < end; i++) s += HEX[buf[i]!];
  for (; i < start + len; i++) s += '00';
  return len === 0 ? 0n : BigInt(s);
}

/** Writes `v` as 32 big-endian bytes at `buf[off]`. */
export function writeWord(buf: Uint8Array, off: number, v: bigint): void {
  if (v <= 0xffffffffn) {
    buf.fill(0, off, off + 28);
    let n = Number(v);
    for (let i = 31; i >= 28; i--) {
      buf[off + i] = n & 0xff;
      n >>>= 8;
    }
    return;
  }
  const h = v.toString(16).padStart(64, '0');
  for (let i = 0; i < 32; i++) buf[off + i] = Number.parseInt(h.substr(i * 2, 2), 16);
}

export function wordToBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  writeWord(out, 0, v);
  return out;
}

export function bytesToWord(b: Uint8Array): bigint {
  return readWord(b, 0, b.length);
}

/** The low 160 bits of a word as a 20-byte address. */
export function wordToAddress(v: bigint): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 4; i >= 0; i--) {
    let n = Number(v & 0xffffffffn);
    for (let j = 3; j >= 0; j--) {
      out[i * 4 + j] = n & 0xff;
      n >>>= 8;
    }
    if (i > 0) v >>= 32n;
  }
  return out;
}

export function addressToWord(a: Uint8Array): bigint {
  return readWord(a, 0, 20);
}

export function toSigned(v: bigint): bigint {
  return v >= SIGN_BIT ? v - TWO_256 : v;
}

export function fromSigned(v: bigint): bigint {
  return v < 0n ? v + TWO_256 : v;
}
