import type { GF } from './field/types.ts';
import type { Poly } from './poly.ts';

/**
 * The shortest LFSR generating `syndromes` (connection polynomial, constant term 1), or
 * undefined as soon as its degree would exceed `maxDegree` (libminisketch stops there too: the
 * degree never shrinks, so decoding would fail anyway).
 */
export function berlekampMassey<E, P>(
  f: GF<E, P>,
  syndromes: readonly E[],
  maxDegree: number,
): Poly<E> | undefined {
  // One multiplier table per syndrome, all in one allocation.
  const table: P[] = f.prepareMany(syndromes);
  const current: Poly<E> = [f.one];
  let prev: Poly<E> = [f.one];
  let b = f.one;
  let bInv = f.one;
  let haveInv = true;
  for (let n = 0; n < syndromes.length; n++) {
    let discrepancy: E = syndromes[n]!;
    for (let i = 1; i < current.length; i++) {
      discrepancy = f.add(discrepancy, f.mulPrepared(table[n - i]!, current[i]!));
    }
    if (f.isZero(discrepancy)) continue;
    const x = n + 1 - (current.length - 1) - (prev.length - 1);
    if (!haveInv) {
      bInv = f.inv(b);
      haveInv = true;
    }
    const swap = 2 * (current.length - 1) <= n;
    let saved: Poly<E> | undefined;
    if (swap) {
      if (prev.length + x - 1 > maxDegree) return undefined;
      saved = current.slice();
      while (current.length < prev.length + x) current.push(f.zero);
    }
    f.mulAddRow(current, x, f.prepareScratch(f.mul(discrepancy, bInv)), prev, prev.length);
    if (saved !== undefined) {
      prev = saved;
      b = discrepancy;
      haveInv = false;
    }
  }
  if (current.length === 0 || f.isZero(current[current.length - 1]!)) return undefined;
  return current;
}
