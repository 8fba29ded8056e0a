import { Field } from '@noble/curves/abstract/modular.js';
import { VerkleError, VerkleErrorCode } from '../errors.ts';

/** Bandersnatch base field = the BLS12-381 scalar field. */
export const FP_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
/** Order of the Banderwagon group (Bandersnatch prime subgroup): the scalar field of commitments. */
export const FR_MODULUS = 0x1cfb69d4ca675f520cce760202687600ff8f87007419047174fd06b52876e7e1n;

export const Fp = Field(FP_MODULUS);
export const Fr = Field(FR_MODULUS);

export function bytesToNumberLE(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

export function bytesToNumberBE(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]!);
  return x;
}

export function numberToBytesLE(x: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

export function numberToBytesBE(x: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** A 32-byte little-endian scalar; rejects values >= the group order (no silent reduction). */
export function scalarFromBytesLE(b: Uint8Array, what = 'scalar'): bigint {
  if (!(b instanceof Uint8Array) || b.length !== 32) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, `${what} must be 32 bytes`);
  }
  const x = bytesToNumberLE(b);
  if (x >= FR_MODULUS) {
    throw new VerkleError(VerkleErrorCode.INVALID_SCALAR, `${what} is not below the group order`);
  }
  return x;
}

/** Reduces arbitrary little-endian bytes modulo the group order (as `SetBytesLE` does). */
export function scalarFromBytesLEReduce(b: Uint8Array): bigint {
  return bytesToNumberLE(b) % FR_MODULUS;
}

export function scalarToBytesLE(x: bigint): Uint8Array {
  return numberToBytesLE(x, 32);
}

/** Inverts every element of `xs` mod `m` with one modular inversion; zeros stay zero. */
export function batchInvert(xs: readonly bigint[], m: bigint): bigint[] {
  const n = xs.length;
  const out = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    out[i] = acc;
    const x = xs[i]!;
    if (x !== 0n) acc = (acc * x) % m;
  }
  let inv = invert(acc, m);
  for (let i = n - 1; i >= 0; i--) {
    const x = xs[i]!;
    if (x === 0n) {
      out[i] = 0n;
      continue;
    }
    out[i] = (out[i]! * inv) % m;
    inv = (inv * x) % m;
  }
  return out;
}

export function invert(x: bigint, m: bigint): bigint {
  let a = ((x % m) + m) % m;
  if (a === 0n) return 0n;
  let b = m;
  let u = 1n;
  let v = 0n;
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return ((v % m) + m) % m;
}

export function modR(x: bigint): bigint {
  const r = x % FR_MODULUS;
  return r < 0n ? r + FR_MODULUS : r;
}

const P_ = FP_MODULUS;

/** b^e mod p over the base field with raw BigInt arithmetic (4-bit fixed window). */
export function powP(b: bigint, e: bigint): bigint {
  b %= P_;
  if (b < 0n) b += P_;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push((table[i - 1]! * b) % P_);
  const nibbles: number[] = [];
  while (e > 0n) {
    nibbles.push(Number(e & 15n));
    e >>= 4n;
  }
  let r = 1n;
  for (let i = nibbles.length - 1; i >= 0; i--) {
    r = (r * r) % P_;
    r = (r * r) % P_;
    r = (r * r) % P_;
    r = (r * r) % P_;
    const n = nibbles[i]!;
    if (n !== 0) r = (r * table[n]!) % P_;
  }
  return r;
}

/** Legendre symbol in Fp: 1 for a non-zero square, -1 for a non-square, 0 for zero. */
export function legendreP(x: bigint): -1 | 0 | 1 {
  const l = powP(x, (P_ - 1n) / 2n);
  return l === 0n ? 0 : l === 1n ? 1 : -1;
}

// Tonelli–Shanks constants: p - 1 = Q·2^S with Q odd (S = 32 for the BLS12-381 scalar field).
let S = 0;
let Q = P_ - 1n;
while ((Q & 1n) === 0n) {
  Q >>= 1n;
  S++;
}
let NON_RESIDUE = 2n;
while (legendreP(NON_RESIDUE) !== -1) NON_RESIDUE++;
const C0 = powP(NON_RESIDUE, Q);

/** A square root of x in Fp, or undefined when x is not a square. */
export function sqrtP(x: bigint): bigint | undefined {
  x %= P_;
  if (x < 0n) x += P_;
  if (x === 0n) return 0n;
  // w = x^((Q-1)/2): t = x·w² = x^Q, r = x·w = x^((Q+1)/2)
  const w = powP(x, (Q - 1n) / 2n);
  let r = (x * w) % P_;
  let t = (r * w) % P_;
  let c = C0;
  let m = S;
  while (t !== 1n) {
    let i = 0;
    let t2 = t;
    while (t2 !== 1n) {
      t2 = (t2 * t2) % P_;
      i++;
      if (i === m) return undefined;
    }
    let b = c;
    for (let j = 0; j < m - i - 1; j++) b = (b * b) % P_;
    m = i;
    c = (b * b) % P_;
    t = (t * c) % P_;
    r = (r * b) % P_;
  }
  return r;
}
