import type { GF } from './field/types.ts';
import { makeMonic, type Poly, polyDivMod, polyGCD, SquareMod, traceMod } from './poly.ts';

/**
 * The roots of a monic square-free polynomial of degree >= 1 that splits into linear factors,
 * pushed onto `roots`; false when it does not split. Berlekamp's trace algorithm with
 * libminisketch's fail-fast test: after one failed split, (trace + trace^2) mod poly must be 0,
 * i.e. poly divides x^(2^bits) + x. `randv` is the split basis; doubling it each attempt walks a
 * GF(2)-basis of the field, so at most `bits` attempts are needed.
 */
function recFindRoots<E, P>(
  f: GF<E, P>,
  poly: Poly<E>,
  roots: E[],
  fullyFactorizable: boolean,
  depth: number,
  randv: E,
): boolean {
  if (poly.length === 2) {
    roots.push(poly[0]!);
    return true;
  }
  if (poly.length === 3) {
    // x^2 + p1 x + p0: x = p1 y turns it into y^2 + y = p0 / p1^2.
    const p1 = poly[1]!;
    if (f.isZero(p1)) return false; // x^2 + a has a double root
    const y = f.solveQuadratic(f.mul(poly[0]!, f.sqr(f.inv(p1))));
    if (y === undefined) return false;
    const sol = f.mul(y, p1);
    roots.push(sol, f.add(sol, p1));
    return true;
  }
  let ff = fullyFactorizable;
  let d = depth;
  let r = randv;
  let gcd: Poly<E>;
  const sq = new SquareMod(f, poly);
  for (let iter = 0; ; iter++) {
    const trace = traceMod(f, sq, r);
    if (iter >= 1 && !ff) {
      // trace^2 + trace = r (x^(2^bits) + x) mod poly: zero iff poly splits into distinct roots.
      const t = sq.square(trace);
      for (let i = 0; i < trace.length; i++) t[i] = f.add(t[i]!, trace[i]!);
      if (t.some((c) => !f.isZero(c))) return false;
      ff = true;
    }
    // With every root in a bucket of 2^(bits - depth) after `depth` splits, a larger degree
    // means the polynomial was not square-free.
    if (ff && (f.bits - d <= 0 || (f.bits - d < 31 && (poly.length - 2) >> (f.bits - d) !== 0))) {
      return false;
    }
    d++;
    r = f.mul2(r);
    gcd = polyGCD(f, trace, poly.slice());
    if (gcd.length !== poly.length && gcd.length > 1) break;
  }
  makeMonic(f, gcd);
  const rest = poly.slice();
  const quotient = polyDivMod(f, gcd, rest);
  if (!recFindRoots(f, quotient, roots, ff, d, r)) return false;
  return recFindRoots(f, gcd, roots, true, d, r);
}

/**
 * The roots of `poly` (monic, nonzero constant term) when it is a product of distinct linear
 * factors, else undefined. libminisketch can return a repeated root for a non-square-free input
 * whose first split succeeds; a repeated root never names a set, so it is refused here (the
 * set answer is then the same for every seed).
 */
export function findRoots<E, P>(f: GF<E, P>, poly: Poly<E>, basis: E): E[] | undefined {
  if (poly.length <= 1) return [];
  const roots: E[] = [];
  if (!recFindRoots(f, poly.slice(), roots, false, 0, basis)) return undefined;
  if (roots.length !== poly.length - 1) return undefined;
  const seen = new Set<E>(roots);
  if (seen.size !== roots.length) return undefined;
  return roots;
}
