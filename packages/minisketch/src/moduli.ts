/**
 * The reduction polynomial of GF(2^b) for b = 2..64, as libminisketch uses them: the irreducible
 * polynomial of minimal weight, lexicographically first (minisketch `tests/pyminisketch.py`
 * GF2_MODULI, the same as `src/fields/*.cpp`). Each entry lists the exponents below x^b.
 */
const LOW_TERMS: readonly (readonly number[])[] = [
  [],
  [],
  [1, 0],
  [1, 0],
  [1, 0],
  [2, 0],
  [1, 0],
  [1, 0],
  [4, 3, 1, 0],
  [1, 0],
  [3, 0],
  [2, 0],
  [3, 0],
  [4, 3, 1, 0],
  [5, 0],
  [1, 0],
  [5, 3, 1, 0],
  [3, 0],
  [3, 0],
  [5, 2, 1, 0],
  [3, 0],
  [2, 0],
  [1, 0],
  [5, 0],
  [4, 3, 1, 0],
  [3, 0],
  [4, 3, 1, 0],
  [5, 2, 1, 0],
  [1, 0],
  [2, 0],
  [1, 0],
  [3, 0],
  [7, 3, 2, 0],
  [10, 0],
  [7, 0],
  [2, 0],
  [9, 0],
  [6, 4, 1, 0],
  [6, 5, 1, 0],
  [4, 0],
  [5, 4, 3, 0],
  [3, 0],
  [7, 0],
  [6, 4, 3, 0],
  [5, 0],
  [4, 3, 1, 0],
  [1, 0],
  [5, 0],
  [5, 3, 2, 0],
  [9, 0],
  [4, 3, 2, 0],
  [6, 3, 1, 0],
  [3, 0],
  [6, 2, 1, 0],
  [9, 0],
  [7, 0],
  [7, 4, 2, 0],
  [4, 0],
  [19, 0],
  [7, 4, 2, 0],
  [1, 0],
  [5, 2, 1, 0],
  [29, 0],
  [1, 0],
  [4, 3, 1, 0],
];

/** The modulus of GF(2^bits) without its x^bits term, as a bigint (bit i = coefficient of x^i). */
export function fieldModulusLow(bits: number): bigint {
  let m = 0n;
  for (const e of LOW_TERMS[bits] ?? []) m |= 1n << BigInt(e);
  return m;
}

/** The full modulus of GF(2^bits), x^bits included. */
export function fieldModulus(bits: number): bigint {
  return (1n << BigInt(bits)) | fieldModulusLow(bits);
}
