import { ModuleValidationError, RuntimeErrorCode } from './errors.ts';
import { HOST_API, HOST_MODULE } from './host/hostApi.ts';
import type { GasCosts, ModuleLimits } from './options.ts';
import { wasmEngine } from './wasm/engine.ts';
import { ExternKind, type ImportCheck, type ParsedModule, parseModule } from './wasm/module.ts';
import { valTypeName } from './wasm/opcodes.ts';
import { WasmReader } from './wasm/reader.ts';
import { type FunctionScan, scanFunction } from './wasm/scan.ts';

/** A validated module: its parse and the per-function scans the metering rewriter uses. */
export interface ModuleAnalysis {
  readonly module: ParsedModule;
  readonly scans: readonly FunctionScan[];
  /** Exported `() -> ()` functions: the contract's callable methods. */
  readonly methods: readonly string[];
  /** The module exports `_initialize` (WASI reactor convention), run before every method. */
  readonly initializer: boolean;
}

/**
 * The initializer export (WASI "reactor" convention): a `() -> ()` function the runtime calls,
 * metered, before the method in every call frame. It replaces a start function (which is
 * rejected) for toolchains that initialize globals in code, such as AssemblyScript
 * (`--exportStart _initialize`). It is not a method.
 */
export const INIT_EXPORT = '_initialize';

const checkImport: ImportCheck = (r, module, name, type, at) => {
  if (module !== HOST_MODULE) {
    r.fail(
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      `import "${module}"."${name}": imports must come from module "${HOST_MODULE}"`,
      at,
    );
  }
  const api = Object.hasOwn(HOST_API, name) ? HOST_API[name] : undefined;
  if (!api) {
    return r.fail(
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      `import "${module}"."${name}": unknown host function`,
      at,
    );
  }
  const want = `(${api.params.join(',')})->(${api.results.join(',')})`;
  const got = `(${type.params.map(valTypeName).join(',')})->(${type.results.map(valTypeName).join(',')})`;
  if (want !== got) {
    r.fail(
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      `import "${module}"."${name}": signature ${got} does not match the host API ${want}`,
      at,
    );
  }
};

/**
 * Deploy-time validation: bounded parse with our rules (no floats, SIMD, threads, start
 * function, foreign imports; limits on everything), then V8's `WebAssembly.validate` as the
 * final structural check. Throws `ModuleValidationError`.
 */
export function analyzeModule(
  bytes: Uint8Array,
  limits: ModuleLimits,
  costs: GasCosts,
): ModuleAnalysis {
  const module = parseModule(bytes, limits, checkImport);
  const r = new WasmReader(bytes);
  const scans: FunctionScan[] = [];
  for (let i = 0; i < module.bodies.length; i++)
    scans.push(scanFunction(r, module, i, limits, costs));
  const methods: string[] = [];
  let initializer = false;
  const numFuncs = module.funcTypes.length;
  for (const e of module.exports) {
    if (e.kind !== ExternKind.FUNC || e.index >= numFuncs) continue;
    const t = module.types[module.funcTypes[e.index]!]!;
    const unit = t.params.length === 0 && t.results.length === 0;
    if (e.name === INIT_EXPORT) {
      if (!unit) {
        throw new ModuleValidationError(
          RuntimeErrorCode.FORBIDDEN_EXPORT,
          `export "${INIT_EXPORT}" must be a () -> () function`,
        );
      }
      initializer = true;
    } else if (unit) methods.push(e.name);
  }
  if (!wasmEngine.validate(bytes)) {
    throw new ModuleValidationError(
      RuntimeErrorCode.INVALID_MODULE,
      'WebAssembly.validate rejected the module (type or structure error)',
    );
  }
  return { module, scans, methods, initializer };
}
