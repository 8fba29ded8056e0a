import { DecodeError, DecodeErrorCode, InvalidArgumentError } from './errors.ts';

const HEX_CHARS = '0123456789abcdef';
const HEX_TABLE: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => HEX_CHARS[i >> 4]! + HEX_CHARS[i & 15]!,
);

/** Lower-case hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_TABLE[bytes[i]!];
  return out;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Parses hex (either case, optional `0x` prefix). Throws DecodeError on odd length or bad digits. */
export function hexToBytes(hex: string): Uint8Array {
  const s = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (s.length % 2 !== 0) {
    throw new DecodeError(DecodeErrorCode.INVALID_HEX, `hex string has odd length ${s.length}`);
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new DecodeError(DecodeErrorCode.INVALID_HEX, `invalid hex digit at position ${2 * i}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function isHex(s: string): boolean {
  return /^(0x)?([0-9a-fA-F]{2})*$/.test(s);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison: negative, zero or positive like `Array.prototype.sort` expects. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * A fresh plain `Uint8Array` with the same bytes. Unlike `.slice()`, which on a Node `Buffer`
 * returns a view sharing memory (and libraries such as libp2p reuse their buffers), this
 * always copies.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** A reversed copy (Bitcoin's display order for hashes). */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - i]!;
  return out;
}

export function utf8ToBytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function bytesToUtf8(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(b);
}

/** Big-endian unsigned integer of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`);
}

/** Big-endian fixed-width encoding of a non-negative bigint. */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  if (n < 0n) throw new InvalidArgumentError('bigIntToBytes: negative value');
  const hex = n.toString(16);
  if (hex.length > length * 2) {
    throw new InvalidArgumentError(`bigIntToBytes: value does not fit in ${length} bytes`);
  }
  return hexToBytes(hex.padStart(length * 2, '0'));
}

/** Little-endian unsigned integer of `bytes`. */
export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  return bytesToBigInt(reverseBytes(bytes));
}

export function bigIntToBytesLE(n: bigint, length: number): Uint8Array {
  return reverseBytes(bigIntToBytes(n, length));
}
