/** SV2 U256 values are 32 little-endian bytes (sv2-spec 03 §3.1). */
import { invalidValue } from '../errors.ts';

export function u256ToBigInt(b: Uint8Array): bigint {
  if (b.length !== 32) throw invalidValue(`U256 must be 32 bytes, got ${b.length}`);
  // Four 64-bit reads: about 6× faster than a byte loop (share validation does this per share).
  const d = new DataView(b.buffer, b.byteOffset, 32);
  return (
    (d.getBigUint64(24, true) << 192n) |
    (d.getBigUint64(16, true) << 128n) |
    (d.getBigUint64(8, true) << 64n) |
    d.getBigUint64(0, true)
  );
}

export function bigIntToU256(v: bigint): Uint8Array {
  if (v < 0n || v >= 1n << 256n) throw invalidValue('U256 out of range');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
