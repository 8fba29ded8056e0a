/**
 * SV2 data types (sv2-spec 03 §3.1) as descriptors: each knows how to encode, decode and bound
 * itself, so message schemas are plain data and the TypeScript type of a message is inferred.
 * Every multibyte integer is little-endian.
 */
import type { BufferReader, BufferWriter } from '@keel/util';
import { invalidValue, malformed } from '../errors.ts';

export type Sv2Type =
  | { readonly kind: 'U8' }
  | { readonly kind: 'U16' }
  | { readonly kind: 'U24' }
  | { readonly kind: 'U32' }
  | { readonly kind: 'U64' }
  | { readonly kind: 'U256' }
  | { readonly kind: 'BOOL' }
  | { readonly kind: 'F32' }
  | { readonly kind: 'STR0_255' }
  | { readonly kind: 'B0_32' }
  | { readonly kind: 'B0_255' }
  | { readonly kind: 'B0_64K' }
  | { readonly kind: 'B0_16M' }
  | { readonly kind: 'BYTES' }
  | { readonly kind: 'PUBKEY' }
  | { readonly kind: 'SIGNATURE' }
  | { readonly kind: 'SHORT_TX_ID' }
  | { readonly kind: 'SEQ0_255'; readonly of: Sv2Type }
  | { readonly kind: 'SEQ0_64K'; readonly of: Sv2Type }
  | { readonly kind: 'OPTION'; readonly of: Sv2Type };

/** The JavaScript value of an SV2 type. U64 is a bigint; byte types are Uint8Array. */
export type Sv2Value<T> = T extends { kind: 'U8' | 'U16' | 'U24' | 'U32' | 'F32' }
  ? number
  : T extends { kind: 'U64' }
    ? bigint
    : T extends { kind: 'BOOL' }
      ? boolean
      : T extends { kind: 'STR0_255' }
        ? string
        : T extends { kind: 'SEQ0_255' | 'SEQ0_64K'; of: infer E }
          ? readonly Sv2Value<E>[]
          : T extends { kind: 'OPTION'; of: infer E }
            ? Sv2Value<E> | undefined
            : Uint8Array;

export const U8 = { kind: 'U8' } as const;
export const U16 = { kind: 'U16' } as const;
export const U24 = { kind: 'U24' } as const;
export const U32 = { kind: 'U32' } as const;
export const U64 = { kind: 'U64' } as const;
export const U256 = { kind: 'U256' } as const;
export const BOOL = { kind: 'BOOL' } as const;
export const F32 = { kind: 'F32' } as const;
export const STR0_255 = { kind: 'STR0_255' } as const;
export const B0_32 = { kind: 'B0_32' } as const;
export const B0_255 = { kind: 'B0_255' } as const;
export const B0_64K = { kind: 'B0_64K' } as const;
export const B0_16M = { kind: 'B0_16M' } as const;
/** The rest of the payload; only valid as a message's last field. */
export const BYTES = { kind: 'BYTES' } as const;
export const PUBKEY = { kind: 'PUBKEY' } as const;
export const SIGNATURE = { kind: 'SIGNATURE' } as const;
export const SHORT_TX_ID = { kind: 'SHORT_TX_ID' } as const;
export function SEQ0_255<E extends Sv2Type>(of: E): { readonly kind: 'SEQ0_255'; readonly of: E } {
  return { kind: 'SEQ0_255', of };
}
export function SEQ0_64K<E extends Sv2Type>(of: E): { readonly kind: 'SEQ0_64K'; readonly of: E } {
  return { kind: 'SEQ0_64K', of };
}
/** OPTION[T] = SEQ0_1[T]: a count byte 0 or 1, then the element. */
export function OPTION<E extends Sv2Type>(of: E): { readonly kind: 'OPTION'; readonly of: E } {
  return { kind: 'OPTION', of };
}

const FIXED: Partial<Record<Sv2Type['kind'], number>> = {
  U8: 1,
  U16: 2,
  U24: 3,
  U32: 4,
  U64: 8,
  U256: 32,
  BOOL: 1,
  F32: 4,
  PUBKEY: 32,
  SIGNATURE: 64,
  SHORT_TX_ID: 6,
};
/** Length prefix width and maximum length of the variable byte types. */
const VAR: Partial<Record<Sv2Type['kind'], readonly [prefix: number, max: number]>> = {
  STR0_255: [1, 255],
  B0_32: [1, 32],
  B0_255: [1, 255],
  B0_64K: [2, 0xffff],
  B0_16M: [3, 0xffffff],
};
const SEQ_MAX = { SEQ0_255: 255, SEQ0_64K: 0xffff, OPTION: 1 } as const;
const SEQ_PREFIX = { SEQ0_255: 1, SEQ0_64K: 2, OPTION: 1 } as const;
/** Anything bigger than a frame can carry is clamped here. */
const MAX_FRAME_PAYLOAD = 0xffffff;

/** Smallest encoded size of a value of `t`. */
export function minSize(t: Sv2Type): number {
  const f = FIXED[t.kind];
  if (f !== undefined) return f;
  const v = VAR[t.kind];
  if (v !== undefined) return v[0];
  if (t.kind === 'BYTES') return 0;
  return SEQ_PREFIX[t.kind as keyof typeof SEQ_PREFIX];
}

/** Largest encoded size of a value of `t` (clamped to the 2^24 − 1 frame limit). */
export function maxSize(t: Sv2Type): number {
  const f = FIXED[t.kind];
  if (f !== undefined) return f;
  const v = VAR[t.kind];
  if (v !== undefined) return v[0] + v[1];
  if (t.kind === 'BYTES') return MAX_FRAME_PAYLOAD;
  const s = t as Extract<Sv2Type, { of: Sv2Type }>;
  return Math.min(MAX_FRAME_PAYLOAD, SEQ_PREFIX[s.kind] + SEQ_MAX[s.kind] * maxSize(s.of));
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function checkInt(v: unknown, bits: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** bits) {
    throw invalidValue(`${what}: expected an integer in [0, 2^${bits}), got ${String(v)}`);
  }
  return v;
}

function checkBytes(v: unknown, min: number, max: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length < min || v.length > max) {
    const len = v instanceof Uint8Array ? v.length : typeof v;
    throw invalidValue(`${what}: expected ${min}..${max} bytes, got ${len}`);
  }
  return v;
}

function writeLength(w: BufferWriter, prefix: number, n: number): void {
  if (prefix === 1) w.u8(n);
  else if (prefix === 2) w.u16le(n);
  else w.u24le(n);
}

function readLength(r: BufferReader, prefix: number): number {
  if (prefix === 1) return r.u8();
  if (prefix === 2) return r.u16le();
  return r.u24le();
}

/** Encodes `value` as SV2 type `t`; throws INVALID_VALUE when it does not fit. */
export function writeValue(w: BufferWriter, t: Sv2Type, value: unknown, what: string): void {
  switch (t.kind) {
    case 'U8':
      w.u8(checkInt(value, 8, what));
      return;
    case 'U16':
      w.u16le(checkInt(value, 16, what));
      return;
    case 'U24':
      w.u24le(checkInt(value, 24, what));
      return;
    case 'U32':
      w.u32le(checkInt(value, 32, what));
      return;
    case 'U64':
      if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
        throw invalidValue(`${what}: expected a bigint in [0, 2^64)`);
      }
      w.u64le(value);
      return;
    case 'BOOL':
      if (typeof value !== 'boolean') throw invalidValue(`${what}: expected a boolean`);
      w.u8(value ? 1 : 0);
      return;
    case 'F32': {
      if (typeof value !== 'number') throw invalidValue(`${what}: expected a number`);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, value, true);
      w.bytes(b);
      return;
    }
    case 'STR0_255': {
      if (typeof value !== 'string') throw invalidValue(`${what}: expected a string`);
      const b = checkBytes(utf8.encode(value), 0, 255, `${what} (UTF-8)`);
      w.u8(b.length).bytes(b);
      return;
    }
    case 'B0_32':
    case 'B0_255':
    case 'B0_64K':
    case 'B0_16M': {
      const [prefix, max] = VAR[t.kind]!;
      const b = checkBytes(value, 0, max, what);
      writeLength(w, prefix, b.length);
      w.bytes(b);
      return;
    }
    case 'BYTES':
      w.bytes(checkBytes(value, 0, MAX_FRAME_PAYLOAD, what));
      return;
    case 'U256':
    case 'PUBKEY':
    case 'SIGNATURE':
    case 'SHORT_TX_ID': {
      const n = FIXED[t.kind]!;
      w.bytes(checkBytes(value, n, n, what));
      return;
    }
    case 'OPTION': {
      if (value === undefined) {
        w.u8(0);
        return;
      }
      w.u8(1);
      writeValue(w, t.of, value, what);
      return;
    }
    case 'SEQ0_255':
    case 'SEQ0_64K': {
      if (!Array.isArray(value) || value.length > SEQ_MAX[t.kind]) {
        throw invalidValue(`${what}: expected an array of at most ${SEQ_MAX[t.kind]} elements`);
      }
      writeLength(w, SEQ_PREFIX[t.kind], value.length);
      for (let i = 0; i < value.length; i++) writeValue(w, t.of, value[i], `${what}[${i}]`);
      return;
    }
  }
}

/**
 * Decodes one value of type `t`. Every length read off the wire is checked against the bytes
 * that remain (times the element's minimum size for sequences) before anything is allocated.
 */
export function readValue(r: BufferReader, t: Sv2Type, what: string): unknown {
  switch (t.kind) {
    case 'U8':
      return r.u8();
    case 'U16':
      return r.u16le();
    case 'U24':
      return r.u24le();
    case 'U32':
      return r.u32le();
    case 'U64':
      return r.u64le();
    case 'BOOL':
      // §3.1: only the least significant bit carries meaning.
      return (r.u8() & 1) === 1;
    case 'F32': {
      const b = r.bytes(4, what);
      return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
    }
    case 'STR0_255': {
      const n = r.u8();
      const b = r.bytes(n, what);
      try {
        return utf8Strict.decode(b);
      } catch {
        throw malformed(`${what}: not valid UTF-8`, { offset: r.offset - n });
      }
    }
    case 'B0_32':
    case 'B0_255':
    case 'B0_64K':
    case 'B0_16M': {
      const [prefix, max] = VAR[t.kind]!;
      const n = readLength(r, prefix);
      if (n > max) throw malformed(`${what}: length ${n} exceeds ${max}`, { offset: r.offset });
      return r.copyBytes(n, what);
    }
    case 'BYTES':
      return r.copyBytes(r.remaining, what);
    case 'U256':
    case 'PUBKEY':
    case 'SIGNATURE':
    case 'SHORT_TX_ID':
      return r.copyBytes(FIXED[t.kind]!, what);
    case 'OPTION': {
      const n = r.u8();
      if (n > 1) throw malformed(`${what}: OPTION count ${n} > 1`, { offset: r.offset - 1 });
      return n === 0 ? undefined : readValue(r, t.of, what);
    }
    case 'SEQ0_255':
    case 'SEQ0_64K': {
      const n = readLength(r, SEQ_PREFIX[t.kind]);
      const least = n * minSize(t.of);
      if (least > r.remaining) {
        throw malformed(
          `${what}: ${n} elements need at least ${least} bytes, ${r.remaining} left`,
          {
            offset: r.offset,
          },
        );
      }
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(r, t.of, `${what}[${i}]`));
      return out;
    }
  }
}
