import { RuntimeErrorCode } from '../errors.ts';
import type { GasCosts, ModuleLimits } from '../options.ts';
import type { ParsedModule } from './module.ts';
import {
  FC_MEMORY_COPY,
  FC_MEMORY_FILL,
  forbiddenFeature,
  Imm,
  OPS,
  valTypeName,
} from './opcodes.ts';
import type { WasmReader } from './reader.ts';

/** What the metering rewriter changes in place of an original instruction. */
export const Rewrite = { RETURN: 0, GROW: 1, COPY: 2, FILL: 3 } as const;

/** The result of decoding one function body: what the metering rewriter needs. */
export interface FunctionScan {
  readonly funcIndex: number;
  /** Highest operand stack height (an upper bound; values, not bytes). */
  readonly maxStack: number;
  /** Flat pairs `[offset, cost]`: charge `cost` gas just before the instruction at `offset`. */
  readonly charges: number[];
  /** Flat quads `[start, end, kind, arg]`: replace bytes `start..end` (see `Rewrite`). */
  readonly rewrites: number[];
}

// Opcodes after which a new basic block starts (branch targets and fall-through after a
// conditional or unconditional branch): loop, if, else, end, br, br_if, br_table, return, unreachable.
const ENDS_SEGMENT = new Uint8Array(256);
for (const op of [0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00]) ENDS_SEGMENT[op] = 1;

/**
 * Decodes one function body, rejecting forbidden instructions and out-of-range indices,
 * summing instruction costs per basic block and tracking the operand stack height.
 */
export function scanFunction(
  r: WasmReader,
  m: ParsedModule,
  bodyIndex: number,
  limits: ModuleLimits,
  costs: GasCosts,
): FunctionScan {
  const body = m.bodies[bodyIndex]!;
  const funcIndex = m.numImportedFuncs + bodyIndex;
  const type = m.types[m.funcTypes[funcIndex]!]!;
  const numLocals = type.params.length + body.numLocals;
  r.section = 'code';
  r.funcIndex = funcIndex;
  r.pos = body.codeStart;
  r.end = body.end;
  // control stack: operand height at entry, and param/result arity of each open block
  const base: number[] = [0];
  const nParams: number[] = [0];
  const nResults: number[] = [type.results.length];
  let height = 0;
  let maxStack = 0;
  const charges: number[] = [];
  const rewrites: number[] = [];
  let segStart = r.pos;
  let segCost = 0;

  const pop = (n: number) => {
    height = Math.max(base[base.length - 1]!, height - n);
  };
  const openBlock = () => {
    const bt = readBlockType(r, m);
    pop(bt.params);
    if (base.length > limits.maxBlockDepth) {
      r.fail(
        RuntimeErrorCode.LIMIT_EXCEEDED,
        `block nesting exceeds the limit of ${limits.maxBlockDepth}`,
      );
    }
    base.push(height);
    nParams.push(bt.params);
    nResults.push(bt.results);
    height += bt.params;
  };
  const label = () => {
    const at = r.pos;
    const d = r.u32();
    if (d >= base.length)
      r.fail(RuntimeErrorCode.INVALID_MODULE, `branch depth ${d} out of range`, at);
  };

  while (base.length > 0) {
    if (r.pos >= r.end) r.malformed('function body ends before its final end');
    const at = r.pos;
    const op = r.u8();
    if (op === 0xfc) {
      const sub = r.u32();
      if (sub !== FC_MEMORY_COPY && sub !== FC_MEMORY_FILL) {
        r.fail(
          RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
          `${forbiddenFeature(op, sub)} is not allowed`,
          at,
        );
      }
      if (!m.memory)
        r.fail(RuntimeErrorCode.INVALID_MODULE, 'memory instruction without a memory', at);
      for (let i = sub === FC_MEMORY_COPY ? 2 : 1; i > 0; i--) {
        if (r.u8() !== 0)
          r.fail(RuntimeErrorCode.FORBIDDEN_FEATURE, 'multiple memories are not allowed', at);
      }
      segCost += costs.bulkMemory;
      pop(3);
      rewrites.push(at, r.pos, sub === FC_MEMORY_COPY ? Rewrite.COPY : Rewrite.FILL, 0);
      continue;
    }
    const info = OPS[op];
    if (!info)
      r.fail(RuntimeErrorCode.FORBIDDEN_INSTRUCTION, `${forbiddenFeature(op)} is not allowed`, at);
    segCost += costs[info.cost];
    switch (op) {
      case 0x02: // block
      case 0x03: // loop
        openBlock();
        break;
      case 0x04: // if
        pop(1);
        openBlock();
        break;
      case 0x05: // else
        if (base.length < 2) r.malformed('else outside if', at);
        height = base[base.length - 1]! + nParams[nParams.length - 1]!;
        break;
      case 0x0b: // end
        height = base.pop()! + nResults.pop()!;
        nParams.pop();
        if (base.length === 0 && r.pos !== r.end)
          r.malformed("bytes after the function body's final end");
        break;
      case 0x0c: // br
        label();
        height = base[base.length - 1]!;
        break;
      case 0x0d: // br_if
        label();
        pop(1);
        break;
      case 0x0e: {
        // br_table
        const n = r.count(limits.maxBrTableTargets, 'br_table targets');
        for (let i = 0; i <= n; i++) label();
        height = base[base.length - 1]!;
        break;
      }
      case 0x0f: // return: becomes `br` to the wrapper block at the current depth
        rewrites.push(at, r.pos, Rewrite.RETURN, base.length - 1);
        height = base[base.length - 1]!;
        break;
      case 0x00: // unreachable
        height = base[base.length - 1]!;
        break;
      case 0x10: {
        // call
        const fAt = r.pos;
        const f = r.u32();
        const t = m.types[m.funcTypes[f] ?? -1];
        if (!t)
          r.fail(RuntimeErrorCode.INVALID_MODULE, `call to function ${f}: index out of range`, fAt);
        pop(t.params.length);
        height += t.results.length;
        break;
      }
      case 0x11: {
        // call_indirect
        const tAt = r.pos;
        const t = m.types[r.u32()];
        if (!t)
          r.fail(RuntimeErrorCode.INVALID_MODULE, 'call_indirect type index out of range', tAt);
        if (r.u8() !== 0)
          r.fail(RuntimeErrorCode.FORBIDDEN_FEATURE, 'call_indirect on a table other than 0', tAt);
        if (!m.table) r.fail(RuntimeErrorCode.INVALID_MODULE, 'call_indirect without a table', at);
        pop(1 + t.params.length);
        height += t.results.length;
        break;
      }
      default:
        readImmediates(r, m, info.imm, numLocals, at);
        if (op === 0x40) rewrites.push(at, r.pos, Rewrite.GROW, 0);
        pop(info.pop);
        height += info.push;
    }
    if (height > maxStack) maxStack = height;
    if (ENDS_SEGMENT[op]) {
      if (segCost > 0) charges.push(segStart, segCost);
      segStart = r.pos;
      segCost = 0;
    }
  }
  r.funcIndex = undefined;
  return { funcIndex, maxStack, charges, rewrites };
}

function readImmediates(
  r: WasmReader,
  m: ParsedModule,
  imm: Imm,
  numLocals: number,
  at: number,
): void {
  switch (imm) {
    case Imm.NONE:
      return;
    case Imm.LOCAL: {
      const i = r.u32();
      if (i >= numLocals)
        r.fail(
          RuntimeErrorCode.INVALID_MODULE,
          `local index ${i} out of range (${numLocals} locals)`,
          at,
        );
      return;
    }
    case Imm.GLOBAL: {
      const i = r.u32();
      const g = m.globals[i];
      if (!g) r.fail(RuntimeErrorCode.INVALID_MODULE, `global index ${i} out of range`, at);
      if (r.bytes[at] === 0x24 && !g.mutable)
        r.fail(RuntimeErrorCode.INVALID_MODULE, `global.set on immutable global ${i}`, at);
      return;
    }
    case Imm.MEMARG:
      if (!m.memory) r.fail(RuntimeErrorCode.INVALID_MODULE, 'memory access without a memory', at);
      r.u32();
      r.u32();
      return;
    case Imm.MEMIDX:
      if (!m.memory)
        r.fail(RuntimeErrorCode.INVALID_MODULE, 'memory instruction without a memory', at);
      if (r.u8() !== 0)
        r.fail(RuntimeErrorCode.FORBIDDEN_FEATURE, 'multiple memories are not allowed', at);
      return;
    case Imm.I32:
      r.skipSigned(32);
      return;
    case Imm.I64:
      r.skipSigned(64);
      return;
    default:
      r.malformed(`unexpected immediate kind ${imm}`, at);
  }
}

function readBlockType(r: WasmReader, m: ParsedModule): { params: number; results: number } {
  const at = r.pos;
  const b = r.bytes[at];
  if (b === 0x40) {
    r.pos++;
    return { params: 0, results: 0 };
  }
  if (b === 0x7f || b === 0x7e) {
    r.pos++;
    return { params: 0, results: 1 };
  }
  if (b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.fail(RuntimeErrorCode.FORBIDDEN_TYPE, `block type ${valTypeName(b)} is not allowed`, at);
  }
  const idx = r.s33();
  const t = idx >= 0 ? m.types[idx] : undefined;
  if (!t) r.fail(RuntimeErrorCode.INVALID_MODULE, `block type ${idx} out of range`, at);
  return { params: t.params.length, results: t.results.length };
}
