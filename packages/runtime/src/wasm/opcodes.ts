import type { GasCosts } from '../options.ts';

/** Immediate operand shapes (WebAssembly core spec 5.4). */
export const Imm = {
  NONE: 0,
  BLOCKTYPE: 1,
  LABEL: 2,
  BR_TABLE: 3,
  FUNC: 4,
  CALL_INDIRECT: 5,
  LOCAL: 6,
  GLOBAL: 7,
  MEMARG: 8,
  /** A single zero byte (memory index of memory.size / memory.grow). */
  MEMIDX: 9,
  I32: 10,
  I64: 11,
} as const;
export type Imm = (typeof Imm)[keyof typeof Imm];

export type CostClass = Exclude<
  keyof GasCosts,
  | 'memoryGrowPage'
  | 'bulkMemoryWord'
  | 'instancePage'
  | 'hostCall'
  | 'hostByte'
  | 'storageRead'
  | 'storageWrite'
  | 'storageWriteByte'
  | 'storageRemove'
  | 'transientRead'
  | 'transientWrite'
  | 'balance'
  | 'transfer'
  | 'log'
  | 'logTopic'
  | 'logByte'
  | 'hash'
  | 'hashWord'
  | 'ed25519Verify'
  | 'secp256k1Verify'
  | 'contractCall'
>;

/** An allowed single-byte opcode: immediates, cost class, and operand stack effect. */
export interface OpInfo {
  readonly name: string;
  readonly imm: Imm;
  readonly cost: CostClass;
  readonly pop: number;
  readonly push: number;
}

/** Allowed opcodes; `undefined` means forbidden or unknown (see `forbiddenFeature`). */
export const OPS: readonly (OpInfo | undefined)[] = buildTable();

function buildTable(): (OpInfo | undefined)[] {
  const t: (OpInfo | undefined)[] = new Array(256).fill(undefined);
  const def = (op: number, name: string, imm: Imm, cost: CostClass, pop: number, push: number) => {
    t[op] = { name, imm, cost, pop, push };
  };
  // control (stack effects of block-like and call ops are handled by the scanner)
  def(0x00, 'unreachable', Imm.NONE, 'branch', 0, 0);
  def(0x01, 'nop', Imm.NONE, 'structural', 0, 0);
  def(0x02, 'block', Imm.BLOCKTYPE, 'structural', 0, 0);
  def(0x03, 'loop', Imm.BLOCKTYPE, 'structural', 0, 0);
  def(0x04, 'if', Imm.BLOCKTYPE, 'branch', 1, 0);
  def(0x05, 'else', Imm.NONE, 'structural', 0, 0);
  def(0x0b, 'end', Imm.NONE, 'structural', 0, 0);
  def(0x0c, 'br', Imm.LABEL, 'branch', 0, 0);
  def(0x0d, 'br_if', Imm.LABEL, 'branch', 1, 0);
  def(0x0e, 'br_table', Imm.BR_TABLE, 'branch', 1, 0);
  def(0x0f, 'return', Imm.NONE, 'branch', 0, 0);
  def(0x10, 'call', Imm.FUNC, 'call', 0, 0);
  def(0x11, 'call_indirect', Imm.CALL_INDIRECT, 'callIndirect', 1, 0);
  // parametric
  def(0x1a, 'drop', Imm.NONE, 'local', 1, 0);
  def(0x1b, 'select', Imm.NONE, 'select', 3, 1);
  // variables
  def(0x20, 'local.get', Imm.LOCAL, 'local', 0, 1);
  def(0x21, 'local.set', Imm.LOCAL, 'local', 1, 0);
  def(0x22, 'local.tee', Imm.LOCAL, 'local', 1, 1);
  def(0x23, 'global.get', Imm.GLOBAL, 'global', 0, 1);
  def(0x24, 'global.set', Imm.GLOBAL, 'global', 1, 0);
  // memory: integer loads 0x28, 0x29, 0x2c..0x35; stores 0x36, 0x37, 0x3a..0x3e
  for (const op of [0x28, 0x29, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35]) {
    def(op, `load_${op.toString(16)}`, Imm.MEMARG, 'load', 1, 1);
  }
  for (const op of [0x36, 0x37, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e]) {
    def(op, `store_${op.toString(16)}`, Imm.MEMARG, 'store', 2, 0);
  }
  def(0x3f, 'memory.size', Imm.MEMIDX, 'memorySize', 0, 1);
  def(0x40, 'memory.grow', Imm.MEMIDX, 'memoryGrow', 1, 1);
  def(0x41, 'i32.const', Imm.I32, 'local', 0, 1);
  def(0x42, 'i64.const', Imm.I64, 'local', 0, 1);
  // i32: eqz, compares; i64: eqz, compares
  def(0x45, 'i32.eqz', Imm.NONE, 'alu', 1, 1);
  for (let op = 0x46; op <= 0x4f; op++)
    def(op, `i32.cmp_${op.toString(16)}`, Imm.NONE, 'alu', 2, 1);
  def(0x50, 'i64.eqz', Imm.NONE, 'alu', 1, 1);
  for (let op = 0x51; op <= 0x5a; op++)
    def(op, `i64.cmp_${op.toString(16)}`, Imm.NONE, 'alu', 2, 1);
  // i32 unary (clz ctz popcnt) and binary ops 0x6a..0x78; i64 0x79..0x8a
  for (const [un, bin, end] of [
    [0x67, 0x6a, 0x78],
    [0x79, 0x7c, 0x8a],
  ] as const) {
    for (let op = un; op < bin; op++) def(op, `unop_${op.toString(16)}`, Imm.NONE, 'alu', 1, 1);
    for (let op = bin; op <= end; op++) {
      const k = op - bin; // add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr
      const cost: CostClass = k === 2 ? 'mul' : k >= 3 && k <= 6 ? 'div' : 'alu';
      def(op, `binop_${op.toString(16)}`, Imm.NONE, cost, 2, 1);
    }
  }
  def(0xa7, 'i32.wrap_i64', Imm.NONE, 'alu', 1, 1);
  def(0xac, 'i64.extend_i32_s', Imm.NONE, 'alu', 1, 1);
  def(0xad, 'i64.extend_i32_u', Imm.NONE, 'alu', 1, 1);
  // sign-extension operators (a finished proposal, in WebAssembly 2.0)
  for (let op = 0xc0; op <= 0xc4; op++) def(op, `extend_${op.toString(16)}`, Imm.NONE, 'alu', 1, 1);
  return t;
}

/** 0xFC sub-opcodes we allow: memory.copy (10) and memory.fill (11), metered per word. */
export const FC_MEMORY_COPY = 10;
export const FC_MEMORY_FILL = 11;

/** The post-MVP feature an unsupported opcode belongs to, for error messages. */
export function forbiddenFeature(op: number, sub?: number): string {
  if (op === 0xfd) return 'SIMD (0xFD prefix)';
  if (op === 0xfe) return 'threads/atomics (0xFE prefix)';
  if (op === 0xfb) return 'GC (0xFB prefix)';
  if (op === 0xfc) {
    if (sub !== undefined && sub <= 7) return `float truncation (0xFC ${sub})`;
    if (sub === 8 || sub === 9) return `passive data segments (0xFC ${sub}: memory.init/data.drop)`;
    if (sub !== undefined && sub >= 12 && sub <= 17) return `table instructions (0xFC ${sub})`;
    return `unknown 0xFC instruction ${sub}`;
  }
  if (op === 0x43 || op === 0x44) return 'floating-point constant';
  if (op === 0x2a || op === 0x2b || op === 0x38 || op === 0x39)
    return 'floating-point memory access';
  if ((op >= 0x5b && op <= 0x66) || (op >= 0x8b && op <= 0xa6)) return 'floating-point arithmetic';
  if (op >= 0xa8 && op <= 0xbf) return 'floating-point conversion';
  if (op >= 0x06 && op <= 0x0a) return 'exception handling';
  if (op === 0x18 || op === 0x19 || op === 0x1f) return 'exception handling';
  if (op === 0x12 || op === 0x13) return 'tail calls';
  if (op === 0x14 || op === 0x15) return 'typed function references';
  if (op === 0x1c) return 'typed select (reference types)';
  if (op === 0x25 || op === 0x26) return 'table.get/table.set (reference types)';
  if (op >= 0xd0 && op <= 0xd6) return 'reference instructions';
  return `unknown opcode 0x${op.toString(16).padStart(2, '0')}`;
}

/** Value types we allow: i32 and i64 only (no floats: CosmWasm's determinism rule). */
export const I32 = 0x7f;
export const I64 = 0x7e;

export function valTypeName(t: number): string {
  switch (t) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    default:
      return `0x${t.toString(16)}`;
  }
}
