import type { Element } from './banderwagon.ts';
import { getCRS, VECTOR_WIDTH } from './crs.ts';
import { batchInvert, FP_MODULUS, FR_MODULUS } from './field.ts';
import { BANDERSNATCH_D, ExtPoint } from './point.ts';

const P = FP_MODULUS;
/** Signed 5-bit windows: digits in [-16, 16]; 52 windows cover a 253-bit scalar plus carry. */
const W = 5;
const HALF = 1 << (W - 1);
const WINDOWS = 52;

interface FixedTable {
  /** [window * HALF + (|digit| - 1)] → affine x, y and d·x·y */
  xs: bigint[];
  ys: bigint[];
  dxys: bigint[];
}

const tables: (FixedTable | undefined)[] = new Array(VECTOR_WIDTH).fill(undefined);

function buildTable(g: Element): FixedTable {
  const pts: ExtPoint[] = [];
  let base = g;
  for (let w = 0; w < WINDOWS; w++) {
    let acc = base;
    pts.push(acc);
    for (let k = 2; k <= HALF; k++) {
      acc = acc.add(base);
      pts.push(acc);
    }
    for (let i = 0; i < W; i++) base = base.double();
  }
  const zi = batchInvert(
    pts.map((p) => p.Z),
    P,
  );
  const xs = new Array<bigint>(pts.length);
  const ys = new Array<bigint>(pts.length);
  const dxys = new Array<bigint>(pts.length);
  for (let i = 0; i < pts.length; i++) {
    const x = (pts[i]!.X * zi[i]!) % P;
    const y = (pts[i]!.Y * zi[i]!) % P;
    xs[i] = x;
    ys[i] = y;
    dxys[i] = (((x * y) % P) * BANDERSNATCH_D) % P;
  }
  return { xs, ys, dxys };
}

function tableFor(i: number): FixedTable {
  let t = tables[i];
  if (t === undefined) {
    t = buildTable(getCRS()[i]!);
    tables[i] = t;
  }
  return t;
}

/** Builds every generator's table now (benchmarks call it so setup is not timed). */
export function precomputeCRSTables(): void {
  for (let i = 0; i < VECTOR_WIDTH; i++) tableFor(i);
}

function addFixed(acc: ExtPoint, index: number, s: bigint): ExtPoint {
  const t = tableFor(index);
  let w = 0;
  while (s > 0n) {
    let d = Number(s & 31n);
    if (d > HALF) d -= 32;
    s = (s - BigInt(d)) >> 5n;
    if (d !== 0) {
      const j = w * HALF + Math.abs(d) - 1;
      const x = d > 0 ? t.xs[j]! : P - t.xs[j]!;
      const dxy = d > 0 ? t.dxys[j]! : P - t.dxys[j]!;
      acc = acc.addAffine(x, t.ys[j]!, dxy);
    }
    w++;
  }
  return acc;
}

let denseWithoutTables = 0;

/**
 * Σ scalars[i]·G_i over the CRS; zero scalars cost nothing. Uses the precomputed per-generator
 * tables; while most tables are still unbuilt, the first few dense vectors go through the
 * bucket MSM instead, so a one-shot verification does not pay for building all 256 tables.
 */
export function commitToPoly(scalars: readonly bigint[]): Element {
  let acc = ExtPoint.ZERO;
  const n = Math.min(scalars.length, VECTOR_WIDTH);
  let missing = 0;
  for (let i = 0; i < n; i++) if (scalars[i] !== 0n && tables[i] === undefined) missing++;
  if (missing > 32 && denseWithoutTables < 4) {
    denseWithoutTables++;
    return msm(getCRS().slice(0, n), scalars.slice(0, n));
  }
  for (let i = 0; i < n; i++) {
    const s = scalars[i]!;
    const r = ((s % FR_MODULUS) + FR_MODULUS) % FR_MODULUS;
    if (r !== 0n) acc = addFixed(acc, i, r);
  }
  return acc;
}

/** Σ s·G_index for sparse (index, scalar) pairs; indices must be in 0..255. */
export function commitSparse(entries: ReadonlyArray<readonly [number, bigint]>): Element {
  let acc = ExtPoint.ZERO;
  for (const [i, s] of entries) {
    const r = ((s % FR_MODULUS) + FR_MODULUS) % FR_MODULUS;
    if (r !== 0n) acc = addFixed(acc, i, r);
  }
  return acc;
}

/** Multi-scalar multiplication over arbitrary points (bucket method). */
export function msm(points: readonly Element[], scalars: readonly bigint[]): Element {
  const n = Math.min(points.length, scalars.length);
  if (n === 0) return ExtPoint.ZERO;
  if (n < 8) {
    let acc = ExtPoint.ZERO;
    for (let i = 0; i < n; i++) acc = acc.add(points[i]!.mul(scalars[i]! % FR_MODULUS));
    return acc;
  }
  const c = n < 32 ? 3 : n < 128 ? 5 : n < 1024 ? 7 : 9;
  const mask = BigInt((1 << c) - 1);
  const ks = scalars.slice(0, n).map((s) => ((s % FR_MODULUS) + FR_MODULUS) % FR_MODULUS);
  const windows = Math.ceil(253 / c);
  let result = ExtPoint.ZERO;
  for (let w = windows - 1; w >= 0; w--) {
    for (let i = 0; i < c; i++) result = result.double();
    const buckets: (ExtPoint | undefined)[] = new Array(1 << c).fill(undefined);
    const shift = BigInt(w * c);
    for (let i = 0; i < n; i++) {
      const d = Number((ks[i]! >> shift) & mask);
      if (d === 0) continue;
      const b = buckets[d];
      buckets[d] = b === undefined ? points[i]! : b.add(points[i]!);
    }
    let running = ExtPoint.ZERO;
    let sum = ExtPoint.ZERO;
    for (let d = (1 << c) - 1; d >= 1; d--) {
      const b = buckets[d];
      if (b !== undefined) running = running.add(b);
      sum = sum.add(running);
    }
    result = result.add(sum);
  }
  return result;
}
