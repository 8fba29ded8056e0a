import { EvmError, EvmErrorCode } from '../errors.ts';

/** What `decodeRLP` returns: a byte string, or a (nested) list of them. */
export type RLPValue = Uint8Array | RLPValue[];

export interface RLPLimits {
  /** Deepest list nesting accepted (the outermost list is depth 1). */
  readonly maxDepth?: number;
  /** Most items (byte strings plus lists, at every depth) accepted in one input. */
  readonly maxItems?: number;
}

export const defaultRLPLimits: Required<RLPLimits> = { maxDepth: 1024, maxItems: 1 << 24 };

interface DecodeState {
  readonly bytes: Uint8Array;
  readonly maxDepth: number;
  readonly maxItems: number;
  items: number;
}

function fail(message: string, offset: number): never {
  throw new EvmError(EvmErrorCode.RLP, `RLP: ${message} at offset ${offset}`, { offset });
}

/** Reads a long-form length of `k` bytes at `pos`, canonical and within `end`. */
function readLongLength(st: DecodeState, pos: number, k: number, end: number): number {
  if (pos + k > end) fail(`length of length ${k} runs past the end`, pos);
  if (st.bytes[pos] === 0) fail('long length has a leading zero', pos);
  // A length over 2^53 cannot fit any input anyway; 6 bytes is the most we need to read.
  if (k > 6) fail(`length of length ${k} exceeds the input`, pos);
  let n = 0;
  for (let i = 0; i < k; i++) n = n * 256 + st.bytes[pos + i]!;
  if (n < 56) fail(`long form used for length ${n} < 56`, pos);
  return n;
}

/** Decodes one item starting at `pos`, ending at or before `end`; returns it and where it stops. */
function decodeItem(st: DecodeState, pos: number, end: number, depth: number): [RLPValue, number] {
  if (pos >= end) fail('unexpected end of input', pos);
  if (++st.items > st.maxItems) fail(`more than ${st.maxItems} items`, pos);
  const b = st.bytes;
  const p = b[pos]!;
  if (p < 0x80) return [Uint8Array.of(p), pos + 1];
  if (p < 0xc0) {
    let start: number;
    let len: number;
    if (p <= 0xb7) {
      len = p - 0x80;
      start = pos + 1;
    } else {
      const k = p - 0xb7;
      len = readLongLength(st, pos + 1, k, end);
      start = pos + 1 + k;
    }
    if (len > end - start) fail(`string of ${len} bytes runs past the end`, pos);
    if (len === 1 && b[start]! < 0x80) fail('single byte below 0x80 wrapped in a string', pos);
    const out = new Uint8Array(len);
    out.set(b.subarray(start, start + len));
    return [out, start + len];
  }
  if (depth >= st.maxDepth) fail(`lists nest deeper than ${st.maxDepth}`, pos);
  let start: number;
  let len: number;
  if (p <= 0xf7) {
    len = p - 0xc0;
    start = pos + 1;
  } else {
    const k = p - 0xf7;
    len = readLongLength(st, pos + 1, k, end);
    start = pos + 1 + k;
  }
  if (len > end - start) fail(`list of ${len} bytes runs past the end`, pos);
  const listEnd = start + len;
  const out: RLPValue[] = [];
  let at = start;
  while (at < listEnd) {
    const [item, next] = decodeItem(st, at, listEnd, depth + 1);
    out.push(item);
    at = next;
  }
  return [out, listEnd];
}

/**
 * Decodes `bytes` as exactly one canonical RLP item. Rejects trailing bytes, non-minimal
 * headers, single bytes below 0x80 wrapped as strings, and lengths that run past the input
 * (checked before anything is allocated). Byte strings are fresh copies.
 */
export function decodeRLP(bytes: Uint8Array, limits: RLPLimits = {}): RLPValue {
  const st: DecodeState = {
    bytes,
    maxDepth: limits.maxDepth ?? defaultRLPLimits.maxDepth,
    maxItems: limits.maxItems ?? defaultRLPLimits.maxItems,
    items: 0,
  };
  const [value, end] = decodeItem(st, 0, bytes.length, 0);
  if (end !== bytes.length) fail(`${bytes.length - end} trailing bytes`, end);
  return value;
}
