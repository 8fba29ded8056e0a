/**
 * The slice of the host's WebAssembly API we use, typed locally (TypeScript's WebAssembly
 * types live in the DOM lib, which Node packages do not load).
 */
export interface WasmGlobal {
  value: number | bigint;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export type WasmExports = Record<string, unknown>;
export interface WasmInstance {
  readonly exports: WasmExports;
}
export type WasmCompiledModule = object;
export type WasmImports = Record<string, Record<string, (...args: never[]) => unknown>>;

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmCompiledModule;
  Instance: new (module: WasmCompiledModule, imports: WasmImports) => WasmInstance;
  RuntimeError: new (...args: never[]) => Error;
}

export const wasmEngine: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
