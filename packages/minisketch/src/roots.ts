import type { GF } from './field/types.ts';
import { makeMonic, type Poly, polyDivMod, polyGCD, polyMod, SquareMod, traceMod } from './poly.ts';

/**
 * Root finding for the error locator: Berlekamp's trace algorithm, as libminisketch, with the
 * traces taken from a table of Frobenius powers of the top polynomial m instead of being
 * recomputed for every factor.
 *
 * X_i = x^(2^i) mod m for i <= bits (bits squarings modulo m, the cost of one trace). Then
 * - m is a product of distinct linear factors iff X_bits = x (m divides x^(2^bits) + x): that
 *   is checked first, so a polynomial that does not split costs one table and no GCDs;
 * - for any factor g of m, Tr(r x) mod g = (sum_i r^(2^i) X_i) mod g, since g divides m: one
 *   linear combination (bits * deg m products) and one reduction, instead of the bits - 1
 *   squarings modulo g that recomputing it costs. For small g the squarings are cheaper, so
 *   each factor takes whichever is (see `traceFor`).
 * The split bases are libminisketch's (randv, doubled after each attempt, walks a GF(2)-basis
 * of the field along any path), so the recursion is the one libminisketch runs on a polynomial
 * that splits; the answer (the root set, or none) is fixed by m alone.
 */
interface Frobenius<E> {
  /** Degree of m. */
  readonly degree: number;
  /** X_i, i < bits, trimmed. */
  readonly powers: readonly Poly<E>[];
  /** sum_i r^(2^i) X_i for the bases seen so far (sibling factors share them). */
  readonly traces: Map<E, Poly<E>>;
}

function frobenius<E, P>(f: GF<E, P>, m: Poly<E>): Frobenius<E> | undefined {
  const degree = m.length - 1;
  const sq = new SquareMod(f, m);
  const powers: Poly<E>[] = [];
  let x: E[] = [f.zero, f.one];
  for (let i = 0; i < f.bits; i++) {
    trimInPlace(f, x);
    powers.push(x);
    x = sq.square(x);
  }
  // X_bits must be x itself.
  trimInPlace(f, x);
  if (x.length !== 2 || !f.isZero(x[0]!) || x[1] !== f.one) return undefined;
  return { degree, powers, traces: new Map() };
}

function trimInPlace<E, P>(f: GF<E, P>, p: E[]): void {
  while (p.length > 0 && f.isZero(p[p.length - 1]!)) p.pop();
}

/** sum_i r^(2^i) X_i (degree < deg m), cached per r. */
function topTrace<E, P>(f: GF<E, P>, frob: Frobenius<E>, r: E): Poly<E> {
  const cached = frob.traces.get(r);
  if (cached !== undefined) return cached;
  const out: E[] = new Array(frob.degree).fill(f.zero);
  let ri = r;
  for (const xi of frob.powers) {
    f.mulAddRow(out, 0, f.prepareScratch(ri), xi, xi.length);
    ri = f.sqr(ri);
  }
  trimInPlace(f, out);
  frob.traces.set(r, out);
  return out;
}

/**
 * Tr(r x) mod g. Products: reducing the top trace costs (D - n) n (plus bits * D once per r);
 * squaring modulo g costs about n^2 to build its table and (bits - 1 - log2 n) n^2 / 2 for the
 * squarings that are not plain shifts.
 */
function traceFor<E, P>(
  f: GF<E, P>,
  frob: Frobenius<E>,
  g: Poly<E>,
  r: E,
  local: { sq?: SquareMod<E, P> },
): Poly<E> {
  const n = g.length - 1;
  const D = frob.degree;
  if (n === D) return topTrace(f, frob, r).slice();
  const reduce = (D - n) * n + (frob.traces.has(r) ? 0 : f.bits * D);
  const square = local.sq !== undefined ? 0 : n * n;
  const squarings = Math.max(0, f.bits - 1 - Math.log2(n));
  if (reduce <= 1.5 * (square + (squarings * n * n) / 2)) {
    const t = topTrace(f, frob, r).slice();
    polyMod(f, g, t);
    return t;
  }
  local.sq ??= new SquareMod(f, g);
  return traceMod(f, local.sq, r);
}

/** Pushes the roots of g (monic, a factor of the table's m, degree >= 1); false if it fails. */
function splitRoots<E, P>(
  f: GF<E, P>,
  frob: Frobenius<E>,
  g: Poly<E>,
  roots: E[],
  depth: number,
  randv: E,
): boolean {
  if (g.length === 2) {
    roots.push(g[0]!);
    return true;
  }
  if (g.length === 3) return quadraticRoots(f, g, roots);
  let d = depth;
  let r = randv;
  let gcd: Poly<E>;
  const local: { sq?: SquareMod<E, P> } = {};
  for (;;) {
    // The bases r, 2r, 4r, ... along a path are a GF(2)-basis: two distinct roots a, b are
    // separated by one of them (Tr(r_k (a + b)) = 1 for some k), so this never runs out on a
    // polynomial that passed the X_bits = x test.
    if (d >= f.bits) return false;
    const trace = traceFor(f, frob, g, r, local);
    d++;
    r = f.mul2(r);
    gcd = polyGCD(f, trace, g.slice());
    if (gcd.length !== g.length && gcd.length > 1) break;
  }
  makeMonic(f, gcd);
  const rest = g.slice();
  const quotient = polyDivMod(f, gcd, rest);
  if (!splitRoots(f, frob, quotient, roots, d, r)) return false;
  return splitRoots(f, frob, gcd, roots, d, r);
}

/** x^2 + p1 x + p0: x = p1 y turns it into y^2 + y = p0 / p1^2. */
function quadraticRoots<E, P>(f: GF<E, P>, g: Poly<E>, roots: E[]): boolean {
  const p1 = g[1]!;
  if (f.isZero(p1)) return false; // x^2 + a has a double root
  const y = f.solveQuadratic(f.mul(g[0]!, f.sqr(f.inv(p1))));
  if (y === undefined) return false;
  const sol = f.mul(y, p1);
  roots.push(sol, f.add(sol, p1));
  return true;
}

/**
 * The roots of `poly` (monic, nonzero constant term) when it is a product of distinct linear
 * factors, else undefined. (libminisketch can return a repeated root for a non-square-free
 * input whose first split succeeds; a repeated root never names a set, and the X_bits = x test
 * refuses every such polynomial, so the set answer is the same for every seed.)
 */
export function findRoots<E, P>(f: GF<E, P>, poly: Poly<E>, basis: E): E[] | undefined {
  if (poly.length <= 1) return [];
  const roots: E[] = [];
  if (poly.length <= 3) {
    if (poly.length === 2) return [poly[0]!];
    return quadraticRoots(f, poly, roots) ? roots : undefined;
  }
  const frob = frobenius(f, poly);
  if (frob === undefined) return undefined;
  if (!splitRoots(f, frob, poly, roots, 0, basis)) return undefined;
  if (roots.length !== poly.length - 1) return undefined;
  if (new Set<E>(roots).size !== roots.length) return undefined;
  return roots;
}
