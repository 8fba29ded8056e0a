const M64 = (1n << 64n) - 1n;

/**
 * A nonzero element of GF(2^bits) from a 64-bit seed (splitmix64 finalizer, masked). Only its
 * being nonzero matters for correctness: the root finder splits with basis * x^i, i = 0.. .
 * The all-ones seed gives 1, as libminisketch's minisketch_set_seed(-1) does.
 */
export function seedToElement(seed: bigint, bits: number): bigint {
  const s = BigInt.asUintN(64, seed);
  if (s === M64) return 1n;
  let z = (s + 0x9e3779b97f4a7c15n) & M64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  z ^= z >> 31n;
  const e = z & ((1n << BigInt(bits)) - 1n);
  return e === 0n ? 1n : e;
}
