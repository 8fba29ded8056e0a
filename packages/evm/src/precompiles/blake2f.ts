import { FAIL } from './_common.ts';
import type { Precompile } from './types.ts';

/**
 * 0x09 BLAKE2b compression function F (EIP-152). Input exactly 213 bytes:
 * rounds (4, big-endian) ‖ h (64) ‖ m (128) ‖ t (16) ‖ f (1, must be 0 or 1), the words
 * little-endian 64-bit. Gas = rounds. Output: the new h (64 bytes).
 */
const INPUT_BYTES = 213;

/** RFC 7693 §2.6: the BLAKE2b IV (SHA-512's), as 32-bit halves, low half first. */
const IV = Uint32Array.of(
  0xf3bcc908,
  0x6a09e667,
  0x84caa73b,
  0xbb67ae85,
  0xfe94f82b,
  0x3c6ef372,
  0x5f1d36f1,
  0xa54ff53a,
  0xade682d1,
  0x510e527f,
  0x2b3e6c1f,
  0x9b05688c,
  0xfb41bd6b,
  0x1f83d9ab,
  0x137e2179,
  0x5be0cd19,
);

/** RFC 7693 §2.7: the message word schedule, one row per round (mod 10). */
const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

export const blake2f: Precompile = (input, gasLimit) => {
  if (input.length !== INPUT_BYTES) return FAIL;
  const flag = input[212] as number;
  if (flag > 1) return FAIL;
  const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const rounds = dv.getUint32(0, false);
  const gas = BigInt(rounds);
  if (gas > gasLimit) return FAIL;
  const h = readWords(dv, 4, 8);
  const m = readWords(dv, 68, 16);
  const t = readWords(dv, 196, 2);
  compress(h, m, t, flag === 1, rounds);
  const output = new Uint8Array(64);
  const out = new DataView(output.buffer);
  for (let i = 0; i < 16; i++) out.setUint32(i * 4, h[i] as number, true);
  return { ok: true, gasUsed: gas, output };
};

/** `count` little-endian 64-bit words from `at`, as 32-bit halves (low first). */
function readWords(dv: DataView, at: number, count: number): Uint32Array {
  const w = new Uint32Array(count * 2);
  for (let i = 0; i < count * 2; i++) w[i] = dv.getUint32(at + i * 4, true);
  return w;
}

/** RFC 7693 §3.2 F, with the round count a parameter (EIP-152). Updates `h` in place. */
function compress(h: Uint32Array, m: Uint32Array, t: Uint32Array, last: boolean, rounds: number) {
  const v = new Uint32Array(32);
  v.set(h, 0);
  v.set(IV, 16);
  v[24] = (v[24] as number) ^ (t[0] as number);
  v[25] = (v[25] as number) ^ (t[1] as number);
  v[26] = (v[26] as number) ^ (t[2] as number);
  v[27] = (v[27] as number) ^ (t[3] as number);
  if (last) {
    v[28] = ~(v[28] as number);
    v[29] = ~(v[29] as number);
  }
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10] as readonly number[];
    mix(v, m, 0, 4, 8, 12, s[0] as number, s[1] as number);
    mix(v, m, 1, 5, 9, 13, s[2] as number, s[3] as number);
    mix(v, m, 2, 6, 10, 14, s[4] as number, s[5] as number);
    mix(v, m, 3, 7, 11, 15, s[6] as number, s[7] as number);
    mix(v, m, 0, 5, 10, 15, s[8] as number, s[9] as number);
    mix(v, m, 1, 6, 11, 12, s[10] as number, s[11] as number);
    mix(v, m, 2, 7, 8, 13, s[12] as number, s[13] as number);
    mix(v, m, 3, 4, 9, 14, s[14] as number, s[15] as number);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] as number) ^ (v[i] as number) ^ (v[i + 16] as number);
}

/** v[a] += v[b] + m[x] (64-bit, on 32-bit halves). */
function add3(v: Uint32Array, a: number, b: number, m: Uint32Array, x: number): void {
  const a0 = v[2 * a] as number;
  const lo1 = (a0 + (v[2 * b] as number)) >>> 0;
  const c1 = lo1 < a0 ? 1 : 0;
  const lo2 = (lo1 + (m[2 * x] as number)) >>> 0;
  const c2 = lo2 < lo1 ? 1 : 0;
  v[2 * a] = lo2;
  v[2 * a + 1] =
    (v[2 * a + 1] as number) + (v[2 * b + 1] as number) + (m[2 * x + 1] as number) + c1 + c2;
}

/** v[a] += v[b] (64-bit). */
function add2(v: Uint32Array, a: number, b: number): void {
  const a0 = v[2 * a] as number;
  const lo = (a0 + (v[2 * b] as number)) >>> 0;
  v[2 * a] = lo;
  v[2 * a + 1] = (v[2 * a + 1] as number) + (v[2 * b + 1] as number) + (lo < a0 ? 1 : 0);
}

/** v[d] = rotr64(v[d] ^ v[a], n) for n in {16, 24, 32, 63}. */
function xorRot(v: Uint32Array, d: number, a: number, n: number): void {
  const lo = ((v[2 * d] as number) ^ (v[2 * a] as number)) >>> 0;
  const hi = ((v[2 * d + 1] as number) ^ (v[2 * a + 1] as number)) >>> 0;
  if (n === 32) {
    v[2 * d] = hi;
    v[2 * d + 1] = lo;
  } else if (n === 63) {
    v[2 * d] = (lo << 1) | (hi >>> 31);
    v[2 * d + 1] = (hi << 1) | (lo >>> 31);
  } else {
    v[2 * d] = (lo >>> n) | (hi << (32 - n));
    v[2 * d + 1] = (hi >>> n) | (lo << (32 - n));
  }
}

/** RFC 7693 §3.1 G. */
function mix(
  v: Uint32Array,
  m: Uint32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  x: number,
  y: number,
) {
  add3(v, a, b, m, x);
  xorRot(v, d, a, 32);
  add2(v, c, d);
  xorRot(v, b, c, 24);
  add3(v, a, b, m, y);
  xorRot(v, d, a, 16);
  add2(v, c, d);
  xorRot(v, b, c, 63);
}
