/**
 * Limits and the gas cost table. Both are consensus parameters: every node of a chain must use
 * the same values, so they are plain data passed in (defaults below), never read from the
 * environment.
 */

/** Deploy-time limits, checked while parsing, before anything is allocated for a length. */
export interface ModuleLimits {
  /** Whole module, in bytes. */
  maxModuleBytes: number;
  /** Initial and maximum linear memory, in 64 KiB pages. Undeclared maxima are capped to this. */
  maxMemoryPages: number;
  /** Elements of the (single) function table. */
  maxTableElements: number;
  maxTypes: number;
  maxParams: number;
  maxResults: number;
  maxImports: number;
  /** Functions defined by the module (imports not counted). */
  maxFunctions: number;
  maxGlobals: number;
  maxExports: number;
  /** Parameters plus declared locals of one function. */
  maxLocals: number;
  /** Bytes of one function body. */
  maxFunctionBytes: number;
  /** Nesting of block/loop/if inside one function. */
  maxBlockDepth: number;
  maxBrTableTargets: number;
  maxDataSegments: number;
  maxElementSegments: number;
  /** Length of an import/export/custom-section name. */
  maxNameBytes: number;
}

export const defaultModuleLimits: Readonly<ModuleLimits> = {
  maxModuleBytes: 512 * 1024,
  maxMemoryPages: 64,
  maxTableElements: 4096,
  maxTypes: 512,
  maxParams: 32,
  maxResults: 8,
  maxImports: 64,
  maxFunctions: 8192,
  maxGlobals: 512,
  maxExports: 512,
  maxLocals: 1024,
  maxFunctionBytes: 128 * 1024,
  maxBlockDepth: 512,
  maxBrTableTargets: 4096,
  maxDataSegments: 1024,
  maxElementSegments: 1024,
  maxNameBytes: 256,
};

/** Execution limits (per transaction / call tree). */
export interface ExecutionLimits {
  /** Nested contract calls, the top-level call counting as depth 1. */
  maxCallDepth: number;
  /**
   * Stack budget of a whole call tree, in units of one 8-byte value slot. A function frame
   * costs `frameOverheadUnits + params + locals + max operand stack height`.
   */
  maxStackUnits: number;
  frameOverheadUnits: number;
  /** Units charged to the stack budget for each nested contract call (the host's JS frames). */
  callFrameUnits: number;
  /** Bytes of call input, return data, revert data, storage keys and values, log data. */
  maxDataBytes: number;
  maxLogTopics: number;
  /** Length of a storage / transient key. */
  maxKeyBytes: number;
}

export const defaultExecutionLimits: Readonly<ExecutionLimits> = {
  maxCallDepth: 64,
  maxStackUnits: 32 * 1024,
  frameOverheadUnits: 8,
  callFrameUnits: 256,
  maxDataBytes: 64 * 1024,
  maxLogTopics: 4,
  maxKeyBytes: 256,
};

/**
 * Gas cost table. Instruction classes are charged per executed instruction (summed per basic
 * block and charged at the block's start); host functions charge before doing any work.
 */
export interface GasCosts {
  /** block, loop, else, end, nop: structural, compile to nothing. */
  structural: number;
  /** local.get/set/tee, drop, i32.const, i64.const. */
  local: number;
  /** global.get / global.set. */
  global: number;
  /** Integer add/sub/and/or/xor/shifts/rotates/compares/eqz/clz/ctz/popcnt, wrap/extend, sign-extension. */
  alu: number;
  /** i32.mul / i64.mul. */
  mul: number;
  /** div_s/div_u/rem_s/rem_u. */
  div: number;
  /** select. */
  select: number;
  /** All integer loads. */
  load: number;
  /** All integer stores. */
  store: number;
  /** if, br, br_if, br_table, return, unreachable. */
  branch: number;
  call: number;
  callIndirect: number;
  memorySize: number;
  /** memory.grow: this static part plus `memoryGrowPage` per requested page (charged at run time). */
  memoryGrow: number;
  memoryGrowPage: number;
  /** memory.copy/fill: this static part plus `bulkMemoryWord` per started 32-byte word. */
  bulkMemory: number;
  bulkMemoryWord: number;
  /** Charged once per call frame for each initial memory page the instance allocates. */
  instancePage: number;
  /** Every host function call. */
  hostCall: number;
  /** Per byte copied between linear memory and the host (input, output, keys, values). */
  hostByte: number;
  storageRead: number;
  storageWrite: number;
  storageWriteByte: number;
  storageRemove: number;
  transientRead: number;
  transientWrite: number;
  balance: number;
  transfer: number;
  log: number;
  logTopic: number;
  logByte: number;
  hash: number;
  /** Per started 32-byte word hashed. */
  hashWord: number;
  ed25519Verify: number;
  secp256k1Verify: number;
  /** A nested contract call, before the forwarded gas. */
  contractCall: number;
}

export const defaultGasCosts: Readonly<GasCosts> = {
  structural: 0,
  local: 1,
  global: 2,
  alu: 1,
  mul: 3,
  div: 8,
  select: 2,
  load: 3,
  store: 3,
  branch: 2,
  call: 10,
  callIndirect: 15,
  memorySize: 3,
  memoryGrow: 20,
  memoryGrowPage: 4096,
  bulkMemory: 10,
  bulkMemoryWord: 1,
  instancePage: 256,
  hostCall: 40,
  hostByte: 1,
  storageRead: 200,
  storageWrite: 2000,
  storageWriteByte: 20,
  storageRemove: 1000,
  transientRead: 50,
  transientWrite: 100,
  balance: 100,
  transfer: 2500,
  log: 375,
  logTopic: 375,
  logByte: 8,
  hash: 60,
  hashWord: 12,
  ed25519Verify: 3000,
  secp256k1Verify: 3000,
  contractCall: 700,
};
