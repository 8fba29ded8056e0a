import { scriptFail } from './errors.ts';

/** Default operand size for arithmetic opcodes (Core's CScriptNum nDefaultMaxNumSize). */
export const DEFAULT_MAX_NUM_SIZE = 4;

/**
 * True when `bytes` is the shortest encoding of its value: no trailing 0x00/0x80 byte unless
 * the byte before it needs its high bit (BIP62 rule 4).
 */
export function isMinimalScriptNum(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n === 0) return true;
  if ((bytes[n - 1]! & 0x7f) !== 0) return true;
  return n > 1 && (bytes[n - 2]! & 0x80) !== 0;
}

/**
 * CScriptNum decoding: little-endian sign-magnitude. Fails with SCRIPTNUM when longer than
 * `maxLen` bytes, or, with `requireMinimal`, not minimally encoded. Values stay within
 * ±(2^39 - 1), exact as JS numbers.
 */
export function decodeScriptNum(
  bytes: Uint8Array,
  requireMinimal: boolean,
  maxLen: number = DEFAULT_MAX_NUM_SIZE,
): number {
  const n = bytes.length;
  if (n > maxLen) scriptFail('SCRIPTNUM');
  if (requireMinimal && !isMinimalScriptNum(bytes)) scriptFail('SCRIPTNUM');
  if (n === 0) return 0;
  let v = 0;
  for (let i = 0; i < n - 1; i++) v += bytes[i]! * 2 ** (8 * i);
  const last = bytes[n - 1]!;
  v += (last & 0x7f) * 2 ** (8 * (n - 1));
  return last & 0x80 && v !== 0 ? -v : v;
}

/** CScriptNum serialization: minimal little-endian sign-magnitude (0 → empty). */
export function encodeScriptNum(value: number): Uint8Array {
  if (value === 0) return new Uint8Array(0);
  const neg = value < 0;
  let abs = Math.abs(value);
  const out: number[] = [];
  while (abs > 0) {
    out.push(abs % 256);
    abs = Math.floor(abs / 256);
  }
  if (out[out.length - 1]! & 0x80) out.push(neg ? 0x80 : 0);
  else if (neg) out[out.length - 1]! |= 0x80;
  return Uint8Array.from(out);
}

/** Core's CastToBool: any non-zero byte, except a lone sign bit in the last byte ("negative zero"). */
export function castToBool(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) return !(i === bytes.length - 1 && bytes[i] === 0x80);
  }
  return false;
}
