/**
 * Solving y^2 + y = c in GF(2^bits). The map L(y) = y^2 + y is GF(2)-linear with kernel {0, 1},
 * so its image is the hyperplane of trace-0 elements. Reducing c by an echelon basis of the
 * images L(x^i) (tracking preimages) is itself linear in c, so it is a table: `q[i]` is the
 * preimage part of reducing x^i, and Q(c) = XOR of q[i] over the set bits of c. Whenever c has
 * a solution, Q(c) is one; otherwise Q(c)^2 + Q(c) != c, which callers check (libminisketch's
 * QRT tables work the same way). Built once per field, in bigint.
 */
export function quadraticBasis(bits: number, sqr: (a: bigint) => bigint): bigint[] {
  // pivots[k] = [image vector whose highest set bit is k, its preimage]
  const pivots: ([bigint, bigint] | undefined)[] = new Array(bits).fill(undefined);
  for (let i = 0; i < bits; i++) {
    const e = 1n << BigInt(i);
    let v = sqr(e) ^ e;
    let pre = e;
    for (let k = bits - 1; k >= 0 && v !== 0n; k--) {
      if (((v >> BigInt(k)) & 1n) === 0n) continue;
      const p = pivots[k];
      if (p === undefined) {
        pivots[k] = [v, pre];
        break;
      }
      v ^= p[0];
      pre ^= p[1];
    }
  }
  const q: bigint[] = [];
  for (let i = 0; i < bits; i++) {
    let rest = 1n << BigInt(i);
    let y = 0n;
    for (let k = bits - 1; k >= 0 && rest !== 0n; k--) {
      if (((rest >> BigInt(k)) & 1n) === 0n) continue;
      const p = pivots[k];
      if (p === undefined) continue; // the non-image direction: dropped, caught by the check
      rest ^= p[0];
      y ^= p[1];
    }
    q.push(y);
  }
  return q;
}
