import { fieldModulus } from '../../src/moduli.ts';

/** Schoolbook GF(2^bits) arithmetic on bigints, straight from the definition (test reference). */
export function refMul(bits: number, a: bigint, b: bigint): bigint {
  const mod = fieldModulus(bits);
  let r = 0n;
  let x = a;
  for (let y = b; y !== 0n; y >>= 1n) {
    if ((y & 1n) === 1n) r ^= x;
    x <<= 1n;
    if ((x >> BigInt(bits)) & 1n) x ^= mod;
  }
  return r;
}

export function refTrace(bits: number, c: bigint): bigint {
  let t = 0n;
  let p = c;
  for (let i = 0; i < bits; i++) {
    t ^= p;
    p = refMul(bits, p, p);
  }
  return t;
}

/** Odd power sums serialized as in pyminisketch: sum(s_i << bits*i).to_bytes(len, 'little'). */
export function refSketchBytes(
  bits: number,
  capacity: number,
  elements: readonly bigint[],
): string {
  let packed = 0n;
  for (let i = 0; i < capacity; i++) {
    let s = 0n;
    for (const e of elements) {
      let p = e;
      const e2 = refMul(bits, e, e);
      for (let k = 0; k < i; k++) p = refMul(bits, p, e2);
      s ^= p;
    }
    packed |= s << BigInt(bits * i);
  }
  const len = Math.ceil((bits * capacity) / 8);
  let hex = '';
  for (let i = 0; i < len; i++)
    hex += Number((packed >> BigInt(8 * i)) & 0xffn)
      .toString(16)
      .padStart(2, '0');
  return hex;
}

/** Deterministic xorshift64* stream of bigints below 2^bits (nonzero). */
export function rng(seed: number): (bits: number) => bigint {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  const M = (1n << 64n) - 1n;
  return (bits) => {
    for (;;) {
      s ^= s >> 12n;
      s ^= (s << 25n) & M;
      s ^= s >> 27n;
      const v = (s * 0x2545f4914f6cdd1dn) & M & ((1n << BigInt(bits)) - 1n);
      if (v !== 0n) return v;
    }
  };
}
