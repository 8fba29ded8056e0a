import { EvmError, EvmErrorCode } from '../errors.ts';
import type { RLPValue } from './decode.ts';

/** Minimal big-endian bytes of a non-negative integer; 0 is the empty string (RLP scalar). */
export function bigintToRLPBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new EvmError(EvmErrorCode.INVALID_ARGUMENT, `negative RLP integer ${n}`);
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A canonical RLP scalar: at most `maxBytes` bytes, no leading zero byte. */
export function rlpBytesToBigint(b: Uint8Array, field: string, maxBytes = 32): bigint {
  if (b.length > maxBytes) {
    throw new EvmError(EvmErrorCode.RLP, `${field}: ${b.length}-byte integer exceeds ${maxBytes}`, {
      field,
    });
  }
  if (b.length > 0 && b[0] === 0) {
    throw new EvmError(EvmErrorCode.RLP, `${field}: integer has a leading zero byte`, { field });
  }
  let n = 0n;
  for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** `v` as a list, or an RLP error naming `field`. */
export function rlpList(v: RLPValue, field: string): RLPValue[] {
  if (!Array.isArray(v)) {
    throw new EvmError(EvmErrorCode.RLP, `${field}: expected a list, got a byte string`, { field });
  }
  return v;
}

/** `v` as a byte string, or an RLP error naming `field`. */
export function rlpBytes(v: RLPValue, field: string): Uint8Array {
  if (Array.isArray(v)) {
    throw new EvmError(EvmErrorCode.RLP, `${field}: expected a byte string, got a list`, { field });
  }
  return v;
}
