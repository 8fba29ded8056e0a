import { berlekampMassey } from './berlekampMassey.ts';
import type { GF } from './field/types.ts';
import { findRoots } from './roots.ts';

/**
 * PinSketch decoding as libminisketch's Decode: rebuild the even power sums (s_2i = s_i^2),
 * Berlekamp-Massey for the error-locator polynomial (giving up once its degree passes
 * `maxElements`), then the roots of its reverse, which are the elements. undefined = failure.
 */
export function decodeSyndromes<E, P>(
  f: GF<E, P>,
  odd: readonly E[],
  maxElements: number,
  basis: E,
): E[] | undefined {
  const all: E[] = new Array(odd.length * 2);
  for (let i = 0; i < odd.length; i++) {
    all[2 * i] = odd[i]!;
    all[2 * i + 1] = f.sqr(all[i]!);
  }
  const poly = berlekampMassey(f, all, maxElements);
  if (poly === undefined) return undefined;
  if (poly.length === 1) return [];
  if (poly.length > 1 + maxElements) return undefined;
  poly.reverse();
  const roots = findRoots(f, poly, basis);
  if (roots === undefined || roots.length === 0) return undefined;
  return roots;
}
