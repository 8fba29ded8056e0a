import { MinisketchError, MinisketchErrorCode } from './errors.ts';

const U64 = (1n << 64n) - 1n;

/** floor(106 * log2(1 + i/32)) for i = 0..31 (libminisketch false_positives.h). */
const LOG2_106 = [
  0, 4, 9, 13, 18, 22, 26, 30, 34, 37, 41, 45, 48, 52, 55, 58, 62, 65, 68, 71, 74, 77, 80, 82, 85,
  88, 90, 93, 96, 98, 101, 103,
];

/**
 * floor(log2(x!)) exactly up to x = 57, an underestimate above: Stirling's series with the
 * rational constants libminisketch uses, in 64-bit unsigned arithmetic (it wraps the same way).
 */
function log2Factorial(x: number): bigint {
  const bits = x === 0 ? 0 : 32 - Math.clz32(x);
  const top = bits === 0 ? 0 : ((x << (32 - bits)) >>> 26) & 31;
  const l2 = BigInt(106 * (bits - 1) + LOG2_106[top]!);
  const bx = BigInt(x);
  const num =
    (418079n * ((2n * bx + 1n) & U64) * l2 -
      127870026n * bx +
      117504694n +
      (x < 3 ? 88632748n : 0n)) &
    U64;
  return num / 88632748n;
}

const ADD5 = [
  1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12,
];
const ADD6 = [
  1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8, 10, 10, 11, 12, 12, 13, 14,
  15, 15, 16, 17, 18, 18, 19, 20, 20, 21, 21, 22, 22, 23, 23, 23, 24, 24, 24, 24,
];
const ADD7 = [
  1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 7, 8,
  9, 9, 9, 10, 11, 11, 12, 12, 13, 13, 15, 15, 15, 16, 17, 17, 18, 19, 20, 20,
];
const ADD8 = [
  1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 3, 4, 4, 5, 4, 5, 5,
  5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9,
];
const ADD9 = [
  1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 3, 2, 3,
  3, 3, 3, 4, 3, 3, 4, 4, 4, 4,
];

/** bit `i` of a packed table of `width`-bit fields. */
function packed(table: bigint, width: number, i: number): number {
  return Number((table >> BigInt(width * i)) & ((1n << BigInt(width)) - 1n));
}

/**
 * floor(log2(2^(bits*capacity) / sum_{k<=capacity} C(2^bits - 1, k))): the false-positive
 * protection a sketch gives when it holds exactly `capacity` elements (libminisketch's
 * BaseFPBits with its small-field correction tables).
 */
function baseFPBits(bits: number, capacity0: number): bigint {
  if (capacity0 === 0) return 0n;
  let capacity = capacity0;
  let ret = 0n;
  if (bits < 32 && capacity >= 2 ** bits) {
    ret = BigInt(bits) * BigInt(capacity - 2 ** bits + 1);
    capacity = 2 ** bits - 1;
  }
  ret += log2Factorial(capacity);
  const c = capacity;
  const add = (v: number): bigint => ret + BigInt(v);
  switch (bits) {
    case 2:
      return add(c <= 2 ? 0 : 1);
    case 3:
      return add(c <= 2 ? 0 : packed(0x2a5n, 2, c - 3));
    case 4:
      return add(c <= 3 ? 0 : packed(0xb6d91a449n, 3, c - 4));
    case 5:
      return add(c <= 4 ? 0 : ADD5[c - 5]!);
    case 6:
      return add(c <= 4 ? 0 : c > 54 ? 25 : ADD6[c - 5]!);
    case 7:
      return add(c <= 4 ? 0 : c > 57 ? 21 : ADD7[c - 5]!);
    case 8:
      return add(c <= 9 ? 0 : c > 56 ? 10 : ADD8[c - 10]!);
    case 9:
      return add(c <= 11 ? 0 : c > 54 ? 5 : ADD9[c - 12]!);
    case 10:
      return add(c <= 21 ? 0 : c > 50 ? 2 : packed(0x1a6665545555041n, 2, c - 22));
    case 11:
      return add(c <= 21 ? 0 : c > 45 ? 1 : packed(0x5b3dc1n, 1, c - 22));
    case 12:
      return add(c <= 21 ? 0 : c > 57 ? 0 : packed(0xe65522041n, 1, c - 22));
    case 13:
      return add(c <= 27 ? 0 : c > 55 ? 0 : packed(0x8904081n, 1, c - 28));
    case 14:
      return add(c <= 47 ? 0 : c > 48 ? 0 : 1);
    default:
      return ret;
  }
}

function checkArgs(bits: number, count: number, fpbits: number, what: string): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 64) {
    throw new MinisketchError(MinisketchErrorCode.INVALID_BITS, `bits must be 0..64, got ${bits}`, {
      bits,
    });
  }
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) {
    throw new MinisketchError(
      MinisketchErrorCode.INVALID_ARGUMENT,
      `${what} must be an integer in 0..2^32-1, got ${count}`,
      { [what]: count },
    );
  }
  if (!Number.isInteger(fpbits) || fpbits < 0 || fpbits > 0xffffffff) {
    throw new MinisketchError(
      MinisketchErrorCode.INVALID_ARGUMENT,
      `fpbits must be an integer in 0..2^32-1, got ${fpbits}`,
      { fpbits },
    );
  }
}

/**
 * The capacity a sketch needs to decode up to `maxElements` differences with a false-positive
 * probability below 2^-fpbits (minisketch_compute_capacity).
 */
export function computeCapacity(bits: number, maxElements: number, fpbits: number): number {
  checkArgs(bits, maxElements, fpbits, 'maxElements');
  if (bits === 0) return 0;
  const base = baseFPBits(bits, maxElements);
  const fp = BigInt(fpbits);
  if (base >= fp) return maxElements;
  return maxElements + Number((fp - base + BigInt(bits) - 1n) / BigInt(bits));
}

/**
 * The most differences a sketch of `capacity` decodes with false-positive probability below
 * 2^-fpbits, 0 when none (minisketch_compute_max_elements).
 */
export function computeMaxElements(bits: number, capacity: number, fpbits: number): number {
  checkArgs(bits, capacity, fpbits, 'capacity');
  if (bits === 0) return 0;
  let maxElements = capacity;
  for (;;) {
    const needed = computeCapacity(bits, maxElements, fpbits);
    if (needed <= capacity) return maxElements;
    const adjust = needed - capacity;
    // Lowering max elements by N lowers the needed capacity by at most N.
    if (maxElements < adjust) return 0;
    maxElements -= adjust;
  }
}
