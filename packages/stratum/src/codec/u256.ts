/** SV2 U256 values are 32 little-endian bytes (sv2-spec 03 §3.1). */
import { invalidValue } from '../errors.ts';

export function u256ToBigInt(b: Uint8Array): bigint {
  if (b.length !== 32) throw invalidValue(`U256 must be 32 bytes, got ${b.length}`);
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
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
