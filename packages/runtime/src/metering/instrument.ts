import type { ExecutionLimits, GasCosts, ModuleLimits } from '../options.ts';
import type { ModuleAnalysis } from '../validate.ts';
import { type ParsedModule, SectionId } from '../wasm/module.ts';
import { I32, I64 } from '../wasm/opcodes.ts';
import { Rewrite } from '../wasm/scan.ts';
import { ByteSink } from '../wasm/sink.ts';

/** Export names the instrumenter adds (module exports starting with `__keel` are rejected). */
export const GAS_EXPORT = '__keel_gas';
export const STACK_EXPORT = '__keel_stack';
export const MEMORY_EXPORT = '__keel_memory';
/** `(lo i32, hi i32) -> i32`: host-side charge of `hi * 2^32 + lo`; returns 1 when out of gas. */
export const CHARGE_EXPORT = '__keel_charge';

export interface InstrumentOptions {
  readonly costs: GasCosts;
  readonly moduleLimits: ModuleLimits;
  readonly executionLimits: ExecutionLimits;
}

/** Frame cost of each defined function, for documentation and tests. */
export interface InstrumentedModule {
  readonly bytes: Uint8Array;
  readonly frameCosts: readonly number[];
}

/**
 * Rewrites a validated module for metering. All additions are *appended* (types, two globals,
 * helper functions, exports), so no existing type, function or global index shifts and the
 * original code is copied byte for byte except at the rewritten points:
 *
 * - every basic block starts with `gas -= cost; if (gas < 0) unreachable` on an exported
 *   mutable i64 global (`__keel_gas`), cost = the sum of the block's instruction costs;
 * - every defined function is wrapped as `stack -= frame; if (stack < 0) unreachable;
 *   block <body> end; stack += frame` on an exported i32 global (`__keel_stack`), with `return`
 *   rewritten to `br` to the wrapper block so the epilogue always runs;
 * - `memory.grow`, `memory.copy`, `memory.fill` call appended helpers that first charge per
 *   page / per 32-byte word from the operand, then do the operation;
 * - the memory's maximum is capped to the page limit and the memory is exported as `__keel_memory`.
 */
export function instrumentModule(a: ModuleAnalysis, o: InstrumentOptions): InstrumentedModule {
  const m = a.module;
  const src = m.bytes;
  const numFuncs = m.funcTypes.length;
  const gasG = m.globals.length;
  const stackG = gasG + 1;
  const needs = { grow: false, copy: false, fill: false };
  for (const s of a.scans) {
    for (let i = 2; i < s.rewrites.length; i += 4) {
      const k = s.rewrites[i];
      if (k === Rewrite.GROW) needs.grow = true;
      else if (k === Rewrite.COPY) needs.copy = true;
      else if (k === Rewrite.FILL) needs.fill = true;
    }
  }
  // appended types: helpers, then `[] -> results` block types for multi-result functions
  const newTypes: { params: number[]; results: number[] }[] = [];
  const typeIdx = (params: number[], results: number[]): number => {
    const key = `${params.join(',')}|${results.join(',')}`;
    const i = newTypes.findIndex((t) => `${t.params.join(',')}|${t.results.join(',')}` === key);
    if (i >= 0) return m.types.length + i;
    newTypes.push({ params, results });
    return m.types.length + newTypes.length - 1;
  };
  const helpers: { type: number; body: Uint8Array }[] = [];
  const helperIdx = { grow: -1, copy: -1, fill: -1 };
  // the host charges through a wasm function: far cheaper than BigInt access to the i64 global
  const chargeIdx = numFuncs;
  helpers.push({ type: typeIdx([I32, I32], [I32]), body: chargeHelper(gasG) });
  if (needs.grow) {
    helperIdx.grow = numFuncs + helpers.length;
    helpers.push({ type: typeIdx([I32], [I32]), body: growHelper(gasG, o.costs.memoryGrowPage) });
  }
  for (const kind of ['copy', 'fill'] as const) {
    if (!needs[kind]) continue;
    helperIdx[kind] = numFuncs + helpers.length;
    helpers.push({
      type: typeIdx([I32, I32, I32], []),
      body: bulkHelper(gasG, o.costs.bulkMemoryWord, kind),
    });
  }
  const frameCosts: number[] = [];
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < a.scans.length; i++) {
    const scan = a.scans[i]!;
    const type = m.types[m.funcTypes[scan.funcIndex]!]!;
    const body = m.bodies[i]!;
    const frame =
      o.executionLimits.frameOverheadUnits + type.params.length + body.numLocals + scan.maxStack;
    frameCosts.push(frame);
    const res = type.results;
    const bt = res.length === 0 ? -1 : res.length === 1 ? -2 : typeIdx([], [...res]);
    bodies.push(
      rewriteBody(src, body, scan, {
        gasG,
        stackG,
        frame,
        bt,
        result0: res[0] ?? 0,
        helperIdx,
        scratch: type.params.length + body.numLocals,
      }),
    );
  }

  const out = new ByteSink(src.length * 2 + 256);
  out.bytes(src.subarray(0, 8));
  const verbatim = (id: number) => {
    const s = m.sections.get(id);
    if (s) out.section(id, (p) => p.bytes(src.subarray(s.start, s.end)));
  };
  // type section: original entries + appended
  out.section(SectionId.TYPE, (p) => {
    p.u32(m.types.length + newTypes.length);
    const s = m.sections.get(SectionId.TYPE);
    if (s) p.bytes(src.subarray(s.itemsStart, s.end));
    for (const t of newTypes) {
      p.u8(0x60).u32(t.params.length);
      for (const v of t.params) p.u8(v);
      p.u32(t.results.length);
      for (const v of t.results) p.u8(v);
    }
  });
  verbatim(SectionId.IMPORT);
  appendItems(out, m, SectionId.FUNCTION, helpers.length, (p) => {
    for (const h of helpers) p.u32(h.type);
  });
  verbatim(SectionId.TABLE);
  if (m.memory) {
    const cap = o.moduleLimits.maxMemoryPages;
    const max = Math.min(m.memory.max ?? cap, cap);
    out.section(SectionId.MEMORY, (p) => p.u32(1).u8(1).u32(m.memory!.min).u32(max));
  }
  appendItems(out, m, SectionId.GLOBAL, 2, (p) => {
    p.u8(I64).u8(1).u8(0x42).u8(0).u8(0x0b);
    p.u8(I32).u8(1).u8(0x41).u8(0).u8(0x0b);
  });
  const extra = m.memory ? 4 : 3;
  appendItems(out, m, SectionId.EXPORT, extra, (p) => {
    exportEntry(p, GAS_EXPORT, 3, gasG);
    exportEntry(p, STACK_EXPORT, 3, stackG);
    exportEntry(p, CHARGE_EXPORT, 0, chargeIdx);
    if (m.memory) exportEntry(p, MEMORY_EXPORT, 2, 0);
  });
  verbatim(SectionId.ELEMENT);
  verbatim(SectionId.DATA_COUNT);
  if (bodies.length + helpers.length > 0) {
    out.section(SectionId.CODE, (p) => {
      p.u32(bodies.length + helpers.length);
      for (const b of bodies) p.u32(b.length).bytes(b);
      for (const h of helpers) p.u32(h.body.length).bytes(h.body);
    });
  }
  verbatim(SectionId.DATA);
  return { bytes: out.finish().slice(), frameCosts };
}

function appendItems(
  out: ByteSink,
  m: ParsedModule,
  id: number,
  extra: number,
  fill: (p: ByteSink) => void,
): void {
  const s = m.sections.get(id);
  if (!s && extra === 0) return;
  out.section(id, (p) => {
    p.u32((s?.count ?? 0) + extra);
    if (s) p.bytes(m.bytes.subarray(s.itemsStart, s.end));
    fill(p);
  });
}

function exportEntry(p: ByteSink, name: string, kind: number, index: number): void {
  const b = new TextEncoder().encode(name);
  p.u32(b.length).bytes(b).u8(kind).u32(index);
}

/**
 * `gas -= cost; if (gas < 0) unreachable`, keeping the new value in a scratch local rather than
 * re-reading the global: `global.get; i64.const; i64.sub; local.tee; global.set; local.get;
 * i64.const 0; i64.lt_s; if unreachable end`.
 */
function charge(p: ByteSink, gasG: number, cost: number, scratch: number): void {
  p.u8(0x23).u32(gasG).u8(0x42).sleb(cost).u8(0x7d);
  p.u8(0x22).u32(scratch).u8(0x24).u32(gasG).u8(0x20).u32(scratch);
  p.u8(0x42).u8(0).u8(0x53).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
}

/**
 * `global.set g; global.get g; i64.const 0; i64.lt_s; if unreachable end` (the new gas value is
 * on the stack; globals have no tee). A negative counter after a trap marks out-of-gas.
 */
function trapIfNegative(p: ByteSink, gasG: number): void {
  p.u8(0x24).u32(gasG).u8(0x23).u32(gasG);
  p.u8(0x42).u8(0).u8(0x53).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
}

interface BodyCtx {
  gasG: number;
  stackG: number;
  frame: number;
  /** -1: no results, -2: one result (`result0`), else a type index. */
  bt: number;
  result0: number;
  helperIdx: { grow: number; copy: number; fill: number };
  /** Index of the i64 scratch local appended to the function's locals. */
  scratch: number;
}

function rewriteBody(
  src: Uint8Array,
  body: { start: number; codeStart: number; end: number },
  scan: { charges: number[]; rewrites: number[] },
  c: BodyCtx,
): Uint8Array {
  const p = new ByteSink(body.end - body.start + 64);
  // local declarations: the original groups plus one i64 scratch local (appended, so no index moves)
  let q = body.start;
  let groups = 0;
  for (let shift = 0; ; shift += 7) {
    const b = src[q++]!;
    groups += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  p.u32(groups + 1)
    .bytes(src.subarray(q, body.codeStart))
    .u8(1)
    .u8(I64);
  // prologue: stack -= frame; if (stack < 0) unreachable
  p.u8(0x23).u32(c.stackG).u8(0x41).sleb(c.frame).u8(0x6b); // global.get, i32.const, i32.sub
  p.u8(0x24).u32(c.stackG).u8(0x23).u32(c.stackG).u8(0x41).u8(0).u8(0x48); // set, get, i32.const 0, i32.lt_s
  p.u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
  p.u8(0x02);
  if (c.bt === -1) p.u8(0x40);
  else if (c.bt === -2) p.u8(c.result0);
  else p.sleb(c.bt);
  const last = body.end - 1; // the function's final `end`
  const { charges, rewrites } = scan;
  let cursor = body.codeStart;
  let ci = 0;
  let ri = 0;
  while (ci < charges.length || ri < rewrites.length) {
    const cOff = ci < charges.length ? charges[ci]! : Number.POSITIVE_INFINITY;
    const rOff = ri < rewrites.length ? rewrites[ri]! : Number.POSITIVE_INFINITY;
    if (cOff <= rOff) {
      if (cOff > last) break;
      p.bytes(src.subarray(cursor, cOff));
      cursor = cOff;
      charge(p, c.gasG, charges[ci + 1]!, c.scratch);
      ci += 2;
      continue;
    }
    p.bytes(src.subarray(cursor, rOff));
    const kind = rewrites[ri + 2];
    if (kind === Rewrite.RETURN) p.u8(0x0c).u32(rewrites[ri + 3]!);
    else if (kind === Rewrite.GROW) p.u8(0x10).u32(c.helperIdx.grow);
    else if (kind === Rewrite.COPY) p.u8(0x10).u32(c.helperIdx.copy);
    else p.u8(0x10).u32(c.helperIdx.fill);
    cursor = rewrites[ri + 1]!;
    ri += 4;
  }
  p.bytes(src.subarray(cursor, last));
  p.u8(0x0b); // end of wrapper block
  p.u8(0x23).u32(c.stackG).u8(0x41).sleb(c.frame).u8(0x6a).u8(0x24).u32(c.stackG); // stack += frame
  p.u8(0x0b);
  return p.finish().slice();
}

function chargeHelper(gasG: number): Uint8Array {
  const p = new ByteSink(32);
  p.u8(0);
  // gas -= extend_u(lo) | (extend_u(hi) << 32); return gas < 0
  p.u8(0x23).u32(gasG).u8(0x20).u8(0).u8(0xad).u8(0x20).u8(1).u8(0xad).u8(0x42).u8(32).u8(0x86);
  p.u8(0x84).u8(0x7d).u8(0x24).u32(gasG); // i64.or, i64.sub, global.set
  p.u8(0x23).u32(gasG).u8(0x42).u8(0).u8(0x53).u8(0x0b); // global.get, i64.const 0, i64.lt_s
  return p.finish().slice();
}

function growHelper(gasG: number, perPage: number): Uint8Array {
  const p = new ByteSink(64);
  p.u8(0); // no locals
  // gas -= extend_u(pages) * perPage
  p.u8(0x23).u32(gasG).u8(0x20).u8(0).u8(0xad).u8(0x42).sleb(perPage).u8(0x7e).u8(0x7d);
  trapIfNegative(p, gasG);
  p.u8(0x20).u8(0).u8(0x40).u8(0).u8(0x0b); // local.get 0; memory.grow 0; end
  return p.finish().slice();
}

function bulkHelper(gasG: number, perWord: number, kind: 'copy' | 'fill'): Uint8Array {
  const p = new ByteSink(64);
  p.u8(0);
  // gas -= ((extend_u(n) + 31) >> 5) * perWord
  p.u8(0x23).u32(gasG).u8(0x20).u8(2).u8(0xad).u8(0x42).u8(31).u8(0x7c).u8(0x42).u8(5).u8(0x88);
  p.u8(0x42).sleb(perWord).u8(0x7e).u8(0x7d);
  trapIfNegative(p, gasG);
  p.u8(0x20).u8(0).u8(0x20).u8(1).u8(0x20).u8(2);
  if (kind === 'copy') p.u8(0xfc).u32(10).u8(0).u8(0);
  else p.u8(0xfc).u32(11).u8(0);
  p.u8(0x0b);
  return p.finish().slice();
}
