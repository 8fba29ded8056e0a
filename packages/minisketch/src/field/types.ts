/**
 * A binary field GF(2^bits) in polynomial basis (bit i of an element is the coefficient of
 * x^i, the canonical form libminisketch serializes). `E` is the element type: a signed
 * 32-bit `number` for bits <= 32 (two's complement for 32 bits), a `bigint` above.
 * `P` is a prepared multiplier: a table that makes many products by one element cheap.
 */
export interface GF<E, P> {
  readonly bits: number;
  readonly zero: E;
  readonly one: E;
  add(a: E, b: E): E;
  isZero(a: E): boolean;
  mul(a: E, b: E): E;
  /** a * x (the field's "multiply by 2"). */
  mul2(a: E): E;
  sqr(a: E): E;
  /** The inverse of a nonzero element. */
  inv(a: E): E;
  prepare(a: E): P;
  /** prepare() for many elements at once (one allocation for all the tables). */
  prepareMany(values: readonly E[]): P[];
  /** prepare() into one buffer shared by every call: valid until the next prepareScratch. */
  prepareScratch(a: E): P;
  mulPrepared(p: P, b: E): E;
  /** out[off + k] += p * row[k] for 0 <= k < n (the inner loop of every polynomial product). */
  mulAddRow(out: E[], off: number, p: P, row: readonly E[], n: number): void;
  /** A y with y^2 + y = c, or undefined when there is none (trace of c is 1). */
  solveQuadratic(c: E): E | undefined;
  fromBigInt(v: bigint): E;
  toBigInt(a: E): bigint;
  /** Element from a 64-bit seed, never zero (the root finder's first split basis). */
  fromSeed(seed: bigint): E;
}
