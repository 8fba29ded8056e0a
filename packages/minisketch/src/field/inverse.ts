/** The two operations the field-generic helpers below need. */
interface SqrMul<E> {
  readonly bits: number;
  sqr(a: E): E;
  mul(a: E, b: E): E;
  mul2(a: E): E;
}

/**
 * Itoh-Tsujii inversion of a nonzero a: a^-1 = (a^(2^(bits-1) - 1))^2, building
 * beta(k) = a^(2^k - 1) along the bits of bits - 1 with beta(2k) = beta(k)^(2^k) * beta(k) and
 * beta(k + 1) = beta(k)^2 * a. Shared by both element representations.
 */
export function itohTsujiiInverse<E>(f: SqrMul<E>, a: E): E {
  const n = f.bits - 1;
  let beta = a;
  let k = 1;
  for (let bit = 31 - Math.clz32(n) - 1; bit >= 0; bit--) {
    let t = beta;
    for (let i = 0; i < k; i++) t = f.sqr(t);
    beta = f.mul(t, beta);
    k *= 2;
    if (((n >>> bit) & 1) !== 0) {
      beta = f.mul(f.sqr(beta), a);
      k += 1;
    }
  }
  return f.sqr(beta);
}

/** (x^i)^2 = x^(2i) for i < bits: the images that define the squaring map's tables. */
export function squareImages<E>(f: Pick<SqrMul<E>, 'bits' | 'mul2'>, one: E): E[] {
  const images: E[] = [];
  let e = one;
  for (let i = 0; i < f.bits; i++) {
    images.push(e);
    e = f.mul2(f.mul2(e));
  }
  return images;
}
