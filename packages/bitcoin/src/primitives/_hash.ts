// Hashes for the validation hot paths. Most Bitcoin hashing is of small inputs (33-byte keys,
// 32-byte digests, ~200-byte sighash preimages) where a native hash object costs more than
// the hashing itself, so these run a SHA-256 / RIPEMD-160 written for single-shot use (no
// allocation but the digest, state in module scratch) and hand large inputs to OpenSSL through
// `crypto.hash`. Checked against node:crypto on every length 0..300 and random large inputs
// (test/unit/hash.test.ts).
import { hash as nodeHash } from 'node:crypto';

/** From this many bytes OpenSSL's SHA-256 (one native call) beats the JS below. */
const NATIVE_SHA256_MIN = 256;

const K = Uint32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
);
const W = new Int32Array(64);
const H = new Int32Array(8);
const TAIL = new Uint8Array(128);

function compress(b: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++, off += 4) {
    w[i] = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const c = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((c >>> 17) | (c << 15)) ^ ((c >>> 19) | (c << 13)) ^ (c >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b1 = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b1) ^ (a & c) ^ (b1 & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b1;
    b1 = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b1) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

function jsSha256Into(data: Uint8Array, out: Uint8Array, outOff: number): void {
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85 | 0;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a | 0;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c | 0;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  const n = data.length;
  let off = 0;
  for (; off + 64 <= n; off += 64) compress(data, off);
  const rem = n - off;
  const t = TAIL;
  t.fill(0);
  t.set(data.subarray(off), 0);
  t[rem] = 0x80;
  const end = rem + 9 > 64 ? 128 : 64;
  // message length in bits, big-endian 64-bit (inputs here are far below 2^32 bytes)
  const hiBits = Math.floor(n / 0x20000000);
  const loBits = (n * 8) >>> 0;
  t[end - 8] = hiBits >>> 24;
  t[end - 7] = hiBits >>> 16;
  t[end - 6] = hiBits >>> 8;
  t[end - 5] = hiBits;
  t[end - 4] = loBits >>> 24;
  t[end - 3] = loBits >>> 16;
  t[end - 2] = loBits >>> 8;
  t[end - 1] = loBits;
  compress(t, 0);
  if (end === 128) compress(t, 64);
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    out[outOff + 4 * i] = v >>> 24;
    out[outOff + 4 * i + 1] = v >>> 16;
    out[outOff + 4 * i + 2] = v >>> 8;
    out[outOff + 4 * i + 3] = v;
  }
}

function nativeSha256(data: Uint8Array): Uint8Array {
  const b = nodeHash('sha256', data, 'buffer');
  return new Uint8Array(b.buffer, b.byteOffset, 32);
}

/** SHA-256. */
export function sha256(data: Uint8Array): Uint8Array {
  if (data.length >= NATIVE_SHA256_MIN) return nativeSha256(data);
  const out = new Uint8Array(32);
  jsSha256Into(data, out, 0);
  return out;
}

const MID = new Uint8Array(32);

/** SHA256(SHA256(data)): txids, block hashes, legacy and BIP143 sighashes. */
export function sha256d(data: Uint8Array): Uint8Array {
  const first = data.length >= NATIVE_SHA256_MIN ? nativeSha256(data) : null;
  if (!first) jsSha256Into(data, MID, 0);
  const out = new Uint8Array(32);
  jsSha256Into(first ?? MID, out, 0);
  return out;
}

// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996): two parallel lines of 80 steps.
const RL = Uint8Array.of(
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  7,
  4,
  13,
  1,
  10,
  6,
  15,
  3,
  12,
  0,
  9,
  5,
  2,
  14,
  11,
  8,
  3,
  10,
  14,
  4,
  9,
  15,
  8,
  1,
  2,
  7,
  0,
  6,
  13,
  11,
  5,
  12,
  1,
  9,
  11,
  10,
  0,
  8,
  12,
  4,
  13,
  3,
  7,
  15,
  14,
  5,
  6,
  2,
  4,
  0,
  5,
  9,
  7,
  12,
  2,
  10,
  14,
  1,
  3,
  8,
  11,
  6,
  15,
  13,
);
const RR = Uint8Array.of(
  5,
  14,
  7,
  0,
  9,
  2,
  11,
  4,
  13,
  6,
  15,
  8,
  1,
  10,
  3,
  12,
  6,
  11,
  3,
  7,
  0,
  13,
  5,
  10,
  14,
  15,
  8,
  12,
  4,
  9,
  1,
  2,
  15,
  5,
  1,
  3,
  7,
  14,
  6,
  9,
  11,
  8,
  12,
  2,
  10,
  0,
  4,
  13,
  8,
  6,
  4,
  1,
  3,
  11,
  15,
  0,
  5,
  12,
  2,
  13,
  9,
  7,
  10,
  14,
  12,
  15,
  10,
  4,
  1,
  5,
  8,
  7,
  6,
  2,
  13,
  14,
  0,
  3,
  9,
  11,
);
const SL = Uint8Array.of(
  11,
  14,
  15,
  12,
  5,
  8,
  7,
  9,
  11,
  13,
  14,
  15,
  6,
  7,
  9,
  8,
  7,
  6,
  8,
  13,
  11,
  9,
  7,
  15,
  7,
  12,
  15,
  9,
  11,
  7,
  13,
  12,
  11,
  13,
  6,
  7,
  14,
  9,
  13,
  15,
  14,
  8,
  13,
  6,
  5,
  12,
  7,
  5,
  11,
  12,
  14,
  15,
  14,
  15,
  9,
  8,
  9,
  14,
  5,
  6,
  8,
  6,
  5,
  12,
  9,
  15,
  5,
  11,
  6,
  8,
  13,
  12,
  5,
  12,
  13,
  14,
  11,
  8,
  5,
  6,
);
const SR = Uint8Array.of(
  8,
  9,
  9,
  11,
  13,
  15,
  15,
  5,
  7,
  7,
  8,
  11,
  14,
  14,
  12,
  6,
  9,
  13,
  15,
  7,
  12,
  8,
  9,
  11,
  7,
  7,
  12,
  7,
  6,
  15,
  13,
  11,
  9,
  7,
  15,
  11,
  8,
  6,
  6,
  14,
  12,
  13,
  5,
  14,
  13,
  13,
  7,
  5,
  15,
  5,
  8,
  11,
  14,
  14,
  6,
  14,
  6,
  9,
  12,
  9,
  12,
  5,
  15,
  8,
  8,
  5,
  12,
  9,
  12,
  5,
  14,
  6,
  8,
  13,
  6,
  5,
  15,
  13,
  11,
  11,
);
const KL = Int32Array.of(0, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc | 0, 0xa953fd4e | 0);
const KR = Int32Array.of(0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0);
const X = new Int32Array(16);
const R = new Int32Array(5);

function rmdF(j: number, x: number, y: number, z: number): number {
  switch (j) {
    case 0:
      return x ^ y ^ z;
    case 1:
      return (x & y) | (~x & z);
    case 2:
      return (x | ~y) ^ z;
    case 3:
      return (x & z) | (y & ~z);
    default:
      return x ^ (y | ~z);
  }
}

function rmdCompress(b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) {
    X[i] = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
  }
  let al = R[0]!;
  let bl = R[1]!;
  let cl = R[2]!;
  let dl = R[3]!;
  let el = R[4]!;
  let ar = al;
  let br = bl;
  let cr = cl;
  let dr = dl;
  let er = el;
  for (let j = 0; j < 80; j++) {
    const round = (j / 16) | 0;
    let t = (al + rmdF(round, bl, cl, dl) + X[RL[j]!]! + KL[round]!) | 0;
    let s = SL[j]!;
    t = ((t << s) | (t >>> (32 - s))) + el;
    al = el;
    el = dl;
    dl = (cl << 10) | (cl >>> 22);
    cl = bl;
    bl = t | 0;
    t = (ar + rmdF(4 - round, br, cr, dr) + X[RR[j]!]! + KR[round]!) | 0;
    s = SR[j]!;
    t = ((t << s) | (t >>> (32 - s))) + er;
    ar = er;
    er = dr;
    dr = (cr << 10) | (cr >>> 22);
    cr = br;
    br = t | 0;
  }
  const t = (R[1]! + cl + dr) | 0;
  R[1] = (R[2]! + dl + er) | 0;
  R[2] = (R[3]! + el + ar) | 0;
  R[3] = (R[4]! + al + br) | 0;
  R[4] = (R[0]! + bl + cr) | 0;
  R[0] = t;
}

/** RIPEMD-160. */
export function ripemd160(data: Uint8Array): Uint8Array {
  R[0] = 0x67452301;
  R[1] = 0xefcdab89 | 0;
  R[2] = 0x98badcfe | 0;
  R[3] = 0x10325476;
  R[4] = 0xc3d2e1f0 | 0;
  const n = data.length;
  let off = 0;
  for (; off + 64 <= n; off += 64) rmdCompress(data, off);
  const rem = n - off;
  const t = TAIL;
  t.fill(0);
  t.set(data.subarray(off), 0);
  t[rem] = 0x80;
  const end = rem + 9 > 64 ? 128 : 64;
  // length in bits, little-endian 64-bit
  const loBits = (n * 8) >>> 0;
  const hiBits = Math.floor(n / 0x20000000);
  t[end - 8] = loBits;
  t[end - 7] = loBits >>> 8;
  t[end - 6] = loBits >>> 16;
  t[end - 5] = loBits >>> 24;
  t[end - 4] = hiBits;
  t[end - 3] = hiBits >>> 8;
  t[end - 2] = hiBits >>> 16;
  t[end - 1] = hiBits >>> 24;
  rmdCompress(t, 0);
  if (end === 128) rmdCompress(t, 64);
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    const v = R[i]!;
    out[4 * i] = v;
    out[4 * i + 1] = v >>> 8;
    out[4 * i + 2] = v >>> 16;
    out[4 * i + 3] = v >>> 24;
  }
  return out;
}

/** RIPEMD160(SHA256(data)): Bitcoin's HASH160. */
export function hash160(data: Uint8Array): Uint8Array {
  if (data.length >= NATIVE_SHA256_MIN) return ripemd160(nativeSha256(data));
  jsSha256Into(data, MID, 0);
  return ripemd160(MID);
}
