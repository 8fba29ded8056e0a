import { RuntimeErrorCode } from '../errors.ts';
import type { ModuleLimits } from '../options.ts';
import { I32, I64, valTypeName } from './opcodes.ts';
import { WasmReader } from './reader.ts';

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/** A known section's payload: `itemsStart` is just after its item count. */
export interface SectionRange {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly itemsStart: number;
  readonly count: number;
}

export interface FunctionBody {
  /** Offset of the local declarations (just after the body's size). */
  readonly start: number;
  /** Offset of the first instruction. */
  readonly codeStart: number;
  readonly end: number;
  /** Declared locals (parameters not included). */
  readonly numLocals: number;
}

export interface Limits {
  readonly min: number;
  readonly max: number | undefined;
}

export interface ParsedModule {
  readonly bytes: Uint8Array;
  readonly types: FuncType[];
  readonly imports: { module: string; name: string; typeIdx: number }[];
  /** Type index of every function in the function index space (imports first). */
  readonly funcTypes: number[];
  readonly numImportedFuncs: number;
  table: Limits | undefined;
  memory: Limits | undefined;
  readonly globals: { type: number; mutable: boolean }[];
  readonly exports: { name: string; kind: number; index: number }[];
  readonly bodies: FunctionBody[];
  readonly sections: Map<number, SectionRange>;
}

export const SectionId = {
  CUSTOM: 0,
  TYPE: 1,
  IMPORT: 2,
  FUNCTION: 3,
  TABLE: 4,
  MEMORY: 5,
  GLOBAL: 6,
  EXPORT: 7,
  START: 8,
  ELEMENT: 9,
  CODE: 10,
  DATA: 11,
  DATA_COUNT: 12,
  TAG: 13,
} as const;

const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'data count',
  'tag',
];
/** Spec 5.5.2: the order non-custom sections must appear in (data count sits before code). */
const ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};

export const ExternKind = { FUNC: 0, TABLE: 1, MEMORY: 2, GLOBAL: 3 } as const;

/** Checks an import against the host API; throws a FORBIDDEN_IMPORT validation error if not. */
export type ImportCheck = (
  r: WasmReader,
  module: string,
  name: string,
  type: FuncType,
  at: number,
) => void;

/**
 * Parses a module's sections with limits (spec chapter 5). Function bodies are only delimited
 * here; `scanFunction` decodes their instructions.
 */
export function parseModule(
  bytes: Uint8Array,
  limits: ModuleLimits,
  checkImport: ImportCheck,
): ParsedModule {
  const r = new WasmReader(bytes);
  r.section = 'header';
  if (bytes.length > limits.maxModuleBytes) {
    r.fail(
      RuntimeErrorCode.LIMIT_EXCEEDED,
      `module is ${bytes.length} bytes, limit ${limits.maxModuleBytes}`,
      0,
    );
  }
  r.ensure(8, 'module header');
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    r.malformed('bad magic (not a WebAssembly module)', 0);
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0)
    r.malformed('unsupported binary version (need 1)', 4);
  r.pos = 8;
  const m: ParsedModule = {
    bytes,
    types: [],
    imports: [],
    funcTypes: [],
    numImportedFuncs: 0,
    table: undefined,
    memory: undefined,
    globals: [],
    exports: [],
    bodies: [],
    sections: new Map(),
  };
  let lastOrder = 0;
  let declaredFuncs = 0;
  while (r.pos < bytes.length) {
    r.section = undefined;
    r.end = bytes.length;
    const idAt = r.pos;
    const id = r.u8();
    const size = r.u32();
    r.ensure(size, `section ${id}`);
    const start = r.pos;
    const end = start + size;
    r.end = end;
    if (id === SectionId.CUSTOM) {
      r.section = 'custom';
      r.name(limits.maxNameBytes, 'custom section name');
      r.pos = end;
      continue;
    }
    const order = ORDER[id];
    r.section = SECTION_NAMES[id] ?? `unknown (${id})`;
    if (id === SectionId.TAG)
      r.fail(
        RuntimeErrorCode.FORBIDDEN_FEATURE,
        'exception handling (tag section) is not allowed',
        idAt,
      );
    if (order === undefined) return r.malformed(`unknown section id ${id}`, idAt);
    if (order <= lastOrder) r.malformed('section out of order or duplicated', idAt);
    lastOrder = order;
    if (id === SectionId.START) {
      r.fail(
        RuntimeErrorCode.FORBIDDEN_FEATURE,
        'start functions are not allowed (a method must be called explicitly)',
        idAt,
      );
    }
    const count = parseSection(r, id, m, limits, checkImport);
    if (id === SectionId.FUNCTION) declaredFuncs = count;
    if (r.pos !== end) r.malformed(`section size mismatch: ${end - r.pos} bytes left over`);
    m.sections.set(id, { id, start, end, itemsStart: sectionItemsStart(bytes, start), count });
  }
  r.section = 'code';
  if (m.bodies.length !== declaredFuncs) {
    r.malformed(
      `function section declares ${declaredFuncs} functions, code section has ${m.bodies.length}`,
    );
  }
  const dc = m.sections.get(SectionId.DATA_COUNT);
  if (dc && dc.count !== (m.sections.get(SectionId.DATA)?.count ?? 0)) {
    r.section = 'data count';
    r.malformed('data count does not match the data section');
  }
  return m;
}

function sectionItemsStart(bytes: Uint8Array, start: number): number {
  let p = start;
  while (p < bytes.length && bytes[p]! & 0x80) p++;
  return p + 1;
}

function parseSection(
  r: WasmReader,
  id: number,
  m: ParsedModule,
  limits: ModuleLimits,
  checkImport: ImportCheck,
): number {
  switch (id) {
    case SectionId.TYPE: {
      const n = r.count(limits.maxTypes, 'types', 3);
      for (let i = 0; i < n; i++) m.types.push(readFuncType(r, limits));
      return n;
    }
    case SectionId.IMPORT: {
      const n = r.count(limits.maxImports, 'imports', 4);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const module = r.name(limits.maxNameBytes, 'import module name');
        const name = r.name(limits.maxNameBytes, 'import name');
        const kind = r.u8();
        if (kind !== ExternKind.FUNC) {
          const what = ['function', 'table', 'memory', 'global', 'tag'][kind] ?? `kind ${kind}`;
          r.fail(
            RuntimeErrorCode.FORBIDDEN_IMPORT,
            `import "${module}"."${name}": only function imports are allowed, not ${what}`,
            at,
          );
        }
        const typeIdx = r.u32();
        const type = m.types[typeIdx];
        if (!type)
          r.malformed(`import "${module}"."${name}": type index ${typeIdx} out of range`, at);
        checkImport(r, module, name, type, at);
        m.imports.push({ module, name, typeIdx });
        m.funcTypes.push(typeIdx);
      }
      (m as { numImportedFuncs: number }).numImportedFuncs = n;
      return n;
    }
    case SectionId.FUNCTION: {
      const n = r.count(limits.maxFunctions, 'functions');
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const t = r.u32();
        if (t >= m.types.length)
          r.malformed(`function ${m.funcTypes.length}: type index ${t} out of range`, at);
        m.funcTypes.push(t);
      }
      return n;
    }
    case SectionId.TABLE: {
      const n = r.count(1, 'tables (at most one: multiple tables need reference types)', 3);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const et = r.u8();
        if (et !== 0x70)
          r.fail(
            RuntimeErrorCode.FORBIDDEN_TYPE,
            `table element type ${valTypeName(et)} is not allowed (funcref only)`,
            at,
          );
        m.table = readLimits(r, limits.maxTableElements, 'table');
      }
      return n;
    }
    case SectionId.MEMORY: {
      const n = r.count(1, 'memories (at most one)', 2);
      for (let i = 0; i < n; i++) m.memory = readLimits(r, limits.maxMemoryPages, 'memory');
      return n;
    }
    case SectionId.GLOBAL: {
      const n = r.count(limits.maxGlobals, 'globals', 4);
      for (let i = 0; i < n; i++) {
        const type = readValType(r, `global ${i}`);
        const mut = r.u8();
        if (mut > 1) r.malformed(`global ${i}: bad mutability flag ${mut}`);
        readConstExpr(r, type, `global ${i} initializer`);
        m.globals.push({ type, mutable: mut === 1 });
      }
      return n;
    }
    case SectionId.EXPORT: {
      const n = r.count(limits.maxExports, 'exports', 3);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const name = r.name(limits.maxNameBytes, 'export name');
        if (name.startsWith('__keel'))
          r.fail(
            RuntimeErrorCode.FORBIDDEN_EXPORT,
            `export name "${name}" is reserved (prefix __keel)`,
            at,
          );
        const kind = r.u8();
        if (kind > ExternKind.GLOBAL) r.malformed(`export "${name}": bad kind ${kind}`, at);
        m.exports.push({ name, kind, index: r.u32() });
      }
      return n;
    }
    case SectionId.ELEMENT: {
      const n = r.count(limits.maxElementSegments, 'element segments', 2);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const flags = r.u32();
        if (flags !== 0)
          r.fail(
            RuntimeErrorCode.FORBIDDEN_FEATURE,
            `element segment ${i}: only active segments for table 0 (flags 0) are allowed, got flags ${flags}`,
            at,
          );
        readConstExpr(r, I32, `element segment ${i} offset`);
        const k = r.count(limits.maxTableElements, `element segment ${i} entries`);
        for (let j = 0; j < k; j++) r.u32();
      }
      return n;
    }
    case SectionId.DATA_COUNT:
      return r.u32();
    case SectionId.CODE: {
      const n = r.count(limits.maxFunctions, 'function bodies', 2);
      for (let i = 0; i < n; i++) m.bodies.push(readBody(r, m, limits));
      r.funcIndex = undefined;
      return n;
    }
    case SectionId.DATA: {
      const n = r.count(limits.maxDataSegments, 'data segments', 2);
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const flags = r.u32();
        if (flags !== 0)
          r.fail(
            RuntimeErrorCode.FORBIDDEN_FEATURE,
            `data segment ${i}: only active segments for memory 0 (flags 0) are allowed, got flags ${flags}`,
            at,
          );
        readConstExpr(r, I32, `data segment ${i} offset`);
        const len = r.count(r.remaining, `data segment ${i} length`);
        r.skip(len, `data segment ${i}`);
      }
      return n;
    }
    default:
      return r.malformed(`unexpected section ${id}`);
  }
}

function readValType(r: WasmReader, what: string): number {
  const at = r.pos;
  const t = r.u8();
  if (t !== I32 && t !== I64) {
    const why = t === 0x7d || t === 0x7c ? ' (floating point is not allowed)' : '';
    r.fail(
      RuntimeErrorCode.FORBIDDEN_TYPE,
      `${what}: value type ${valTypeName(t)} is not allowed${why}`,
      at,
    );
  }
  return t;
}

function readFuncType(r: WasmReader, limits: ModuleLimits): FuncType {
  const at = r.pos;
  const form = r.u8();
  if (form !== 0x60) r.malformed(`expected function type 0x60, got 0x${form.toString(16)}`, at);
  const np = r.count(limits.maxParams, 'function type parameters');
  const params: number[] = [];
  for (let i = 0; i < np; i++) params.push(readValType(r, 'function parameter'));
  const nr = r.count(limits.maxResults, 'function type results');
  const results: number[] = [];
  for (let i = 0; i < nr; i++) results.push(readValType(r, 'function result'));
  return { params, results };
}

function readLimits(r: WasmReader, max: number, what: string): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags === 2 || flags === 3)
    r.fail(RuntimeErrorCode.FORBIDDEN_FEATURE, `shared ${what} (threads) is not allowed`, at);
  if (flags > 1)
    r.fail(
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      `${what} limits flags 0x${flags.toString(16)} (memory64 or custom page sizes) not allowed`,
      at,
    );
  const minAt = r.pos;
  const min = r.u32();
  if (min > max)
    r.fail(
      RuntimeErrorCode.LIMIT_EXCEEDED,
      `${what} initial size ${min} exceeds the limit of ${max}`,
      minAt,
    );
  const hasMax = flags === 1;
  const maxAt = r.pos;
  const declaredMax = hasMax ? r.u32() : undefined;
  if (declaredMax !== undefined && declaredMax < min)
    r.malformed(`${what} maximum ${declaredMax} below minimum ${min}`, maxAt);
  if (what === 'table' && declaredMax !== undefined && declaredMax > max) {
    r.fail(
      RuntimeErrorCode.LIMIT_EXCEEDED,
      `table maximum ${declaredMax} exceeds the limit of ${max}`,
      maxAt,
    );
  }
  return { min, max: declaredMax };
}

/** Constant expressions: a single `i32.const` / `i64.const` then `end` (no global.get, no extended-const). */
function readConstExpr(r: WasmReader, type: number, what: string): void {
  const at = r.pos;
  const op = r.u8();
  if (op === 0x41 && type === I32) r.skipSigned(32);
  else if (op === 0x42 && type === I64) r.skipSigned(64);
  else
    r.fail(
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      `${what}: only an ${valTypeName(type)}.const initializer is allowed (got opcode 0x${op.toString(16)})`,
      at,
    );
  if (r.u8() !== 0x0b) r.malformed(`${what}: expected end of constant expression`, r.pos - 1);
}

function readBody(r: WasmReader, m: ParsedModule, limits: ModuleLimits): FunctionBody {
  const funcIndex = m.numImportedFuncs + m.bodies.length;
  r.funcIndex = funcIndex;
  const at = r.pos;
  const size = r.u32();
  if (size > limits.maxFunctionBytes)
    r.fail(
      RuntimeErrorCode.LIMIT_EXCEEDED,
      `function body of ${size} bytes exceeds the limit of ${limits.maxFunctionBytes}`,
      at,
    );
  r.ensure(size, 'function body');
  const start = r.pos;
  const end = start + size;
  const outer = r.end;
  r.end = end;
  const typeIdx = m.funcTypes[funcIndex];
  if (typeIdx === undefined)
    r.malformed('code section has more bodies than the function section declares', at);
  let total = m.types[typeIdx]!.params.length;
  const groups = r.count(limits.maxLocals, 'local declaration groups', 2);
  for (let i = 0; i < groups; i++) {
    const cAt = r.pos;
    const c = r.u32();
    total += c;
    if (total > limits.maxLocals)
      r.fail(
        RuntimeErrorCode.LIMIT_EXCEEDED,
        `${total} locals exceed the limit of ${limits.maxLocals}`,
        cAt,
      );
    readValType(r, 'local');
  }
  const codeStart = r.pos;
  r.pos = end;
  r.end = outer;
  return { start, codeStart, end, numLocals: total - m.types[typeIdx]!.params.length };
}
