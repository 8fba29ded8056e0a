import { FP_MODULUS } from './field.ts';

const P = FP_MODULUS;
/** Bandersnatch: a·x² + y² = 1 + d·x²·y² with a = -5 (twisted Edwards over the BLS12-381 scalar field). */
export const BANDERSNATCH_A = P - 5n;
export const BANDERSNATCH_D = 0x6389c12633c267cbc66e3bf86be3b6d8cb66677177e54f92b369f2f5188d58e7n;
const D = BANDERSNATCH_D;

/**
 * A Bandersnatch point in extended coordinates (x = X/Z, y = Y/Z, x·y = T/Z). noble's `edwards()`
 * refuses curves whose `a` is not a square (its complete-formula guard), so the group law is
 * written here on plain modular arithmetic (hwcd-2008 formulas for general `a`). The formulas
 * are exception-free on the prime-order subgroup and its (0,-1) coset, which is all Banderwagon
 * ever produces.
 */
export class ExtPoint {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
  constructor(X: bigint, Y: bigint, Z: bigint, T: bigint) {
    this.X = X;
    this.Y = Y;
    this.Z = Z;
    this.T = T;
  }

  static fromAffine(x: bigint, y: bigint): ExtPoint {
    return new ExtPoint(x, y, 1n, (x * y) % P);
  }

  add(o: ExtPoint): ExtPoint {
    const A = (this.X * o.X) % P;
    const B = (this.Y * o.Y) % P;
    const C = (((this.T * o.T) % P) * D) % P;
    const Dz = (this.Z * o.Z) % P;
    const E = ((this.X + this.Y) * (o.X + o.Y) - A - B) % P;
    const F = Dz - C;
    const G = Dz + C;
    const H = B + 5n * A; // B - a·A with a = -5
    return new ExtPoint(m(E * F), m(G * H), m(F * G), m(E * H));
  }

  /** this + (x, y) where `dxy` = d·x·y is precomputed (fixed-base tables). */
  addAffine(x: bigint, y: bigint, dxy: bigint): ExtPoint {
    const A = (this.X * x) % P;
    const B = (this.Y * y) % P;
    const C = (this.T * dxy) % P;
    const Dz = this.Z;
    const E = ((this.X + this.Y) * (x + y) - A - B) % P;
    const F = Dz - C;
    const G = Dz + C;
    const H = B + 5n * A;
    return new ExtPoint(m(E * F), m(G * H), m(F * G), m(E * H));
  }

  double(): ExtPoint {
    const A = (this.X * this.X) % P;
    const B = (this.Y * this.Y) % P;
    const C = (2n * this.Z * this.Z) % P;
    const Da = P - ((5n * A) % P); // a·A
    const s = this.X + this.Y;
    const E = (s * s - A - B) % P;
    const G = Da + B;
    const F = G - C;
    const H = Da - B;
    return new ExtPoint(m(E * F), m(G * H), m(F * G), m(E * H));
  }

  negate(): ExtPoint {
    return new ExtPoint(
      this.X === 0n ? 0n : P - this.X,
      this.Y,
      this.Z,
      this.T === 0n ? 0n : P - this.T,
    );
  }

  subtract(o: ExtPoint): ExtPoint {
    return this.add(o.negate());
  }

  /** Variable-time scalar multiplication (public scalars only), 4-bit fixed window. */
  mul(k: bigint): ExtPoint {
    if (k === 0n) return ExtPoint.ZERO;
    if (k < 0n) return this.negate().mul(-k);
    const table: ExtPoint[] = [ExtPoint.ZERO, this];
    for (let i = 2; i < 16; i++) table.push(table[i - 1]!.add(this));
    const nibbles: number[] = [];
    while (k > 0n) {
      nibbles.push(Number(k & 15n));
      k >>= 4n;
    }
    let acc = ExtPoint.ZERO;
    for (let i = nibbles.length - 1; i >= 0; i--) {
      acc = acc.double().double().double().double();
      const n = nibbles[i]!;
      if (n !== 0) acc = acc.add(table[n]!);
    }
    return acc;
  }

  static readonly ZERO = new ExtPoint(0n, 1n, 1n, 0n);
}

function m(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}

export function mod(x: bigint): bigint {
  const r = x % P;
  return r < 0n ? r + P : r;
}
