import { execFileSync } from 'node:child_process';
import type { BenchHarness, BenchMain } from '@keel/util';
import { createMinisketch } from '../src/index.ts';
import { buildCppHarness } from './cppBuild.ts';

const BITS = 32;
const CAPACITY = 128;
const DIFFERENCES = 128;

interface CppTimes {
  decodeMs: number;
  addNsPerElement: number;
  decoded: number;
  unsupported?: boolean;
}

function cppTimes(harness: string, impl: number, iters: number): CppTimes | undefined {
  const out = execFileSync(harness, [
    'bench',
    String(impl),
    String(BITS),
    String(CAPACITY),
    String(DIFFERENCES),
    String(iters),
  ]).toString();
  const r = JSON.parse(out) as CppTimes;
  return r.unsupported ? undefined : r;
}

/** Distinct nonzero 32-bit elements from a fixed LCG (deterministic input). */
function elements(n: number): number[] {
  const seen = new Set<number>();
  let x = 12345;
  while (seen.size < n) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (x !== 0) seen.add(x);
  }
  return [...seen];
}

function keelTimes(h: BenchHarness, iters: number): { decodeMs: number; addNsPerElement: number } {
  const s = createMinisketch(BITS, CAPACITY, { seed: 1 });
  for (const e of elements(DIFFERENCES)) s.add(e);
  const got = s.decode();
  if (got?.length !== DIFFERENCES) throw new Error(`keel decoded ${got?.length} of ${DIFFERENCES}`);
  const decodeMs = h.timeMs(() => s.decode(), { runs: iters });
  const a = createMinisketch(BITS, CAPACITY);
  const adds = Math.max(1000, Math.round(20000 * h.scale));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < adds; i++) a.add(((i * 0x9e3779b1) | 1) >>> 0);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / adds);
  }
  return { decodeMs, addNsPerElement: best };
}

/**
 * `keel bench minisketch`: keel's decode of a 32-bit capacity-128 sketch holding 128 elements
 * and its per-element sketch creation (capacity 128), beside libminisketch built from the
 * reference sources with g++ (generic fields, and CLMUL where the CPU has it), same run.
 */
export const main: BenchMain = (h) => {
  const iters = Math.max(5, Math.round(15 * h.scale));
  const rounds = h.scale < 1 ? 1 : 3;
  let build: ReturnType<typeof buildCppHarness> | undefined;
  try {
    build = buildCppHarness((m) => h.log(m));
    h.log(
      `libminisketch harness ${build.cached ? 'cached' : `built in ${build.seconds.toFixed(0)} s`}: ${build.harness}`,
    );
  } catch (e) {
    h.log(`libminisketch not built (${(e as Error).message}); keel rows only`);
  }
  // The machine is shared: alternate C++ and keel rounds and keep each side's best.
  const best = new Map<string, { decodeMs: number; addNsPerElement: number }>();
  const keep = (name: string, t: { decodeMs: number; addNsPerElement: number }): void => {
    const b = best.get(name);
    best.set(name, {
      decodeMs: Math.min(b?.decodeMs ?? Number.POSITIVE_INFINITY, t.decodeMs),
      addNsPerElement: Math.min(b?.addNsPerElement ?? Number.POSITIVE_INFINITY, t.addNsPerElement),
    });
  };
  for (let r = 0; r < rounds; r++) {
    if (build !== undefined) {
      const generic = cppTimes(build.harness, 0, iters);
      if (generic) keep('libminisketch-generic', generic);
      // implementation 1 is CLMUL for every field; 2 only for trinomial fields (not 32 bits).
      const clmul = build.clmul ? cppTimes(build.harness, 1, iters) : undefined;
      if (clmul) keep('libminisketch-clmul', clmul);
    }
    keep('keel', keelTimes(h, iters));
  }
  const keel = best.get('keel')!;
  const decodeMetric = `decode ${BITS}-bit capacity ${CAPACITY}, ${DIFFERENCES} differences`;
  const addMetric = `sketch creation per element, ${BITS}-bit capacity ${CAPACITY}`;
  const anchors = [...best.entries()].filter(([n]) => n !== 'keel');
  if (anchors.length === 0) {
    h.report({ bench: 'minisketch', metric: decodeMetric, value: keel.decodeMs, unit: 'ms' });
    h.report({ bench: 'minisketch', metric: addMetric, value: keel.addNsPerElement, unit: 'ns' });
  }
  for (const [name, t] of anchors) {
    h.report({
      bench: 'minisketch',
      metric: decodeMetric,
      value: keel.decodeMs,
      unit: 'ms',
      anchor: name,
      anchorValue: t.decodeMs,
    });
    h.report({
      bench: 'minisketch',
      metric: addMetric,
      value: keel.addNsPerElement,
      unit: 'ns',
      anchor: name,
      anchorValue: t.addNsPerElement,
    });
  }
};
