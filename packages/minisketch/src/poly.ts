import type { GF } from './field/types.ts';

/**
 * Polynomials over GF(2^b) as coefficient arrays, lowest degree first, never with a zero top
 * coefficient ([] is the zero polynomial). Every function works in place where libminisketch's
 * sketch_impl.h does, so the root finder follows the same steps.
 */
export type Poly<E> = E[];

function trim<E, P>(f: GF<E, P>, p: Poly<E>): void {
  while (p.length > 0 && f.isZero(p[p.length - 1]!)) p.pop();
}

/** val := val mod m, for a monic m. */
export function polyMod<E, P>(f: GF<E, P>, m: Poly<E>, val: Poly<E>): void {
  const ms = m.length;
  if (val.length < ms) return;
  while (val.length >= ms) {
    const term = val.pop()!;
    if (f.isZero(term)) continue;
    const off = val.length - ms + 1;
    f.mulAddRow(val, off, f.prepareScratch(term), m, ms - 1);
  }
  trim(f, val);
}

/** Divides val by the monic m: returns the quotient, leaves the remainder (untrimmed) in val. */
export function polyDivMod<E, P>(f: GF<E, P>, m: Poly<E>, val: Poly<E>): Poly<E> {
  const ms = m.length;
  if (val.length < ms) return [];
  const div: Poly<E> = new Array(val.length - ms + 1).fill(f.zero);
  while (val.length >= ms) {
    const term = val.pop()!;
    div[val.length - ms + 1] = term;
    if (f.isZero(term)) continue;
    const off = val.length - ms + 1;
    f.mulAddRow(val, off, f.prepareScratch(term), m, ms - 1);
  }
  return div;
}

/** Scales a nonzero polynomial so its top coefficient is 1. */
export function makeMonic<E, P>(f: GF<E, P>, a: Poly<E>): void {
  const top = a[a.length - 1]!;
  if (top === f.one) return;
  const inv = f.prepareScratch(f.inv(top));
  a[a.length - 1] = f.one;
  for (let i = 0; i < a.length - 1; i++) a[i] = f.mulPrepared(inv, a[i]!);
}

/** The GCD of a and b (monic unless it is one of the inputs untouched); consumes both. */
export function polyGCD<E, P>(f: GF<E, P>, a0: Poly<E>, b0: Poly<E>): Poly<E> {
  let a = a0;
  let b = b0;
  if (a.length < b.length) [a, b] = [b, a];
  while (b.length > 0) {
    if (b.length === 1) return [f.one];
    makeMonic(f, b);
    polyMod(f, b, a);
    [a, b] = [b, a];
  }
  return a;
}

/** p := p^2 (Frobenius: square each coefficient, interleave zeros). */
export function polySqr<E, P>(f: GF<E, P>, p: Poly<E>): void {
  if (p.length === 0) return;
  const n = p.length;
  p.length = 2 * n - 1;
  for (let x = 2 * n - 2; x >= 0; x--) p[x] = (x & 1) !== 0 ? f.zero : f.sqr(p[x >> 1]!);
}

/**
 * Squaring modulo a fixed monic m of degree d >= 2, by a table of R_j = x^(2j) mod m for
 * ceil(d/2) <= j < d: (sum c_j x^j)^2 = sum c_j^2 x^(2j), where the low half needs no reduction
 * and the high half is sum c_j^2 R_j. That is half the products of squaring then reducing, and
 * the table is shared by every trace computed modulo m.
 */
export class SquareMod<E, P> {
  private readonly f: GF<E, P>;
  private readonly d: number;
  private readonly h: number;
  private readonly r: E[][] = [];

  constructor(f: GF<E, P>, m: Poly<E>) {
    this.f = f;
    const d = m.length - 1;
    this.d = d;
    this.h = (d + 1) >> 1;
    // x^d mod m = the low coefficients of m (characteristic 2: no signs).
    const cur: E[] = m.slice(0, d);
    if (2 * this.h === d + 1) this.mulX(cur, m);
    for (let j = this.h; j < d; j++) {
      this.r.push(cur.slice());
      this.mulX(cur, m);
      this.mulX(cur, m);
    }
  }

  /** r := r * x mod m, for r of length d. */
  private mulX(r: E[], m: Poly<E>): void {
    const f = this.f;
    const d = this.d;
    const top = r[d - 1]!;
    for (let k = d - 1; k > 0; k--) r[k] = r[k - 1]!;
    r[0] = f.zero;
    if (f.isZero(top)) return;
    f.mulAddRow(r, 0, f.prepareScratch(top), m, d);
  }

  /** p^2 mod m for p of degree < d, as a length-d array (untrimmed). */
  square(p: readonly E[]): E[] {
    const f = this.f;
    const d = this.d;
    const out: E[] = new Array(d).fill(f.zero);
    const n = p.length;
    for (let j = 0; j < this.h && j < n; j++) out[2 * j] = f.sqr(p[j]!);
    for (let j = this.h; j < n; j++) {
      const c = p[j]!;
      if (f.isZero(c)) continue;
      f.mulAddRow(out, 0, f.prepareScratch(f.sqr(c)), this.r[j - this.h]!, d);
    }
    return out;
  }
}

/**
 * Tr(param * x) mod m = sum over i < bits of (param * x)^(2^i) mod m, for m of degree >= 3
 * (libminisketch's TraceMod: square, add param * x, reduce; here the square is reduced as it
 * is formed).
 */
export function traceMod<E, P>(f: GF<E, P>, sq: SquareMod<E, P>, param: E): Poly<E> {
  let out: Poly<E> = [f.zero, param];
  for (let i = 0; i < f.bits - 1; i++) {
    out = sq.square(out);
    out[1] = f.add(out[1]!, param);
  }
  while (out.length > 0 && f.isZero(out[out.length - 1]!)) out.pop();
  return out;
}
