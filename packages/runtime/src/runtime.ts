import { sha256 } from '@keel/crypto';
import { bytesToHex, InvalidArgumentError } from '@keel/util';
import { ExecutionError, RuntimeError, RuntimeErrorCode } from './errors.ts';
import { Frame } from './host/frame.ts';
import { CallStatus } from './host/hostApi.ts';
import { createHostImports, type HostContext } from './host/hostFunctions.ts';
import {
  CHARGE_EXPORT,
  GAS_EXPORT,
  instrumentModule,
  MEMORY_EXPORT,
  STACK_EXPORT,
} from './metering/instrument.ts';
import {
  defaultExecutionLimits,
  defaultGasCosts,
  defaultModuleLimits,
  type ExecutionLimits,
  type GasCosts,
  type ModuleLimits,
} from './options.ts';
import type { RuntimeState } from './state/runtimeState.ts';
import {
  ADDRESS_BYTES,
  type Address,
  type BlockContext,
  type ExecutionResult,
  MAX_AMOUNT,
  type Verifiers,
} from './types.ts';
import { analyzeModule, INIT_EXPORT } from './validate.ts';
import {
  type WasmCompiledModule,
  type WasmGlobal,
  type WasmMemory,
  wasmEngine,
} from './wasm/engine.ts';

export interface RuntimeOptions {
  moduleLimits?: Partial<ModuleLimits>;
  executionLimits?: Partial<ExecutionLimits>;
  costs?: Partial<GasCosts>;
  verifiers?: Verifiers;
  /** Instrumented, compiled modules kept by code hash (least recently used evicted). */
  cacheSize?: number;
}

/** What deploy-time validation reports about an accepted module. */
export interface ModuleInfo {
  /** sha256 of the original module bytes: the cache key and the code's identity. */
  readonly codeHash: Uint8Array;
  /** Exported `() -> ()` functions. */
  readonly methods: readonly string[];
  /** Host functions the module imports. */
  readonly imports: readonly string[];
  readonly memoryPages: number;
  readonly instrumentedBytes: number;
  /** Stack-limiter units charged per call of each defined function. */
  readonly frameCosts: readonly number[];
}

interface Prepared extends ModuleInfo {
  readonly compiled: WasmCompiledModule;
  readonly methodSet: ReadonlySet<string>;
  readonly initializer: boolean;
}

export interface CallParameters {
  readonly state: RuntimeState;
  readonly address: Address;
  readonly caller: Address;
  readonly method: string;
  readonly input?: Uint8Array;
  /** Amount moved from `caller` to `address` before the method runs. */
  readonly value?: bigint;
  readonly gasLimit: number;
  readonly block: BlockContext;
}

interface FrameOutcome {
  status: number;
  gasLeft: bigint;
  output: Uint8Array;
  error?: { code: string; message: string };
}

const STATUS_NAMES = ['ok', 'revert', 'out_of_gas', 'trap', 'trap', 'trap'] as const;

export class Runtime {
  readonly moduleLimits: Readonly<ModuleLimits>;
  readonly executionLimits: Readonly<ExecutionLimits>;
  readonly costs: Readonly<GasCosts>;
  private readonly verifiers: Verifiers;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, Prepared>();

  constructor(opts: RuntimeOptions = {}) {
    this.moduleLimits = { ...defaultModuleLimits, ...opts.moduleLimits };
    this.executionLimits = { ...defaultExecutionLimits, ...opts.executionLimits };
    this.costs = { ...defaultGasCosts, ...opts.costs };
    this.verifiers = opts.verifiers ?? {};
    this.cacheSize = opts.cacheSize ?? 256;
  }

  /** Deploy-time check. Throws `ModuleValidationError`; caches the instrumented module. */
  validate(code: Uint8Array): ModuleInfo {
    const p = this.prepare(code);
    const { compiled: _c, methodSet: _m, initializer: _i, ...info } = p;
    return info;
  }

  /** Validates, instruments and compiles `code`, or returns the cached result for its hash. */
  prepare(code: Uint8Array): Prepared {
    const codeHash = sha256(code);
    const key = bytesToHex(codeHash);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const analysis = analyzeModule(code, this.moduleLimits, this.costs);
    const inst = instrumentModule(analysis, {
      costs: this.costs,
      moduleLimits: this.moduleLimits,
      executionLimits: this.executionLimits,
    });
    let compiled: WasmCompiledModule;
    try {
      compiled = new wasmEngine.Module(inst.bytes);
    } catch (e) {
      throw new RuntimeError(
        RuntimeErrorCode.INVALID_MODULE,
        `instrumented module failed to compile: ${String(e)}`,
      );
    }
    const p: Prepared = {
      codeHash,
      methods: analysis.methods,
      imports: analysis.module.imports.map((i) => i.name),
      memoryPages: analysis.module.memory?.min ?? 0,
      instrumentedBytes: inst.bytes.length,
      frameCosts: inst.frameCosts,
      compiled,
      methodSet: new Set(analysis.methods),
      initializer: analysis.initializer,
    };
    this.cache.set(key, p);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  /**
   * Runs one top-level call inside its own checkpoint of `state` (the caller owns the
   * transaction: `beginTx` before, `commitTx`/`rollbackTx` after). Never throws for anything
   * the contract does; throws only for bad parameters or when `state` itself fails.
   */
  execute(p: CallParameters): ExecutionResult {
    if (!Number.isSafeInteger(p.gasLimit) || p.gasLimit < 0)
      throw new InvalidArgumentError('gasLimit must be a non-negative safe integer');
    checkAddress(p.address, 'address');
    checkAddress(p.caller, 'caller');
    const value = p.value ?? 0n;
    if (value < 0n || value > MAX_AMOUNT) throw new InvalidArgumentError('value must fit in u128');
    const ctx = this.context(p.state, p.block);
    const logsBefore = p.state.logs().length;
    const limit = BigInt(p.gasLimit);
    const o = this.runFrame(ctx, {
      address: p.address,
      caller: p.caller,
      value,
      input: p.input ?? new Uint8Array(0),
      method: p.method,
      gas: limit,
      stack: this.executionLimits.maxStackUnits,
      depth: 1,
    });
    const status = STATUS_NAMES[o.status]!;
    return {
      status,
      gasUsed: Number(limit - o.gasLeft),
      returnData: o.output,
      logs: status === 'ok' ? p.state.logs().slice(logsBefore) : [],
      ...(o.error ? { error: o.error } : {}),
    };
  }

  private context(state: RuntimeState, block: BlockContext): HostContext {
    const ctx: HostContext = {
      state,
      block,
      costs: this.costs,
      limits: this.executionLimits,
      verifiers: this.verifiers,
      callContract: (caller, to, method, value, input, gas) =>
        this.runFrame(ctx, {
          address: to,
          caller: caller.address,
          value,
          input,
          method,
          gas,
          stack: (caller.stack!.value as number) - this.executionLimits.callFrameUnits,
          depth: caller.depth + 1,
        }),
    };
    return ctx;
  }

  private runFrame(
    ctx: HostContext,
    a: {
      address: Address;
      caller: Address;
      value: bigint;
      input: Uint8Array;
      method: string;
      gas: bigint;
      stack: number;
      depth: number;
    },
  ): FrameOutcome {
    const state = ctx.state;
    const cp = state.checkpoint();
    const frame = new Frame(a.address, a.caller, a.value, a.input, a.depth);
    const fail = (status: number, code: string, message: string, gasLeft = 0n): FrameOutcome => {
      state.revertCheckpoint(cp);
      return { status, gasLeft, output: new Uint8Array(0), error: { code, message } };
    };
    if (a.value > 0n && !state.transfer(a.caller, a.address, a.value)) {
      return fail(
        CallStatus.INSUFFICIENT_BALANCE,
        RuntimeErrorCode.INSUFFICIENT_BALANCE,
        'caller cannot pay the call value',
        a.gas,
      );
    }
    if (a.stack < 0)
      return fail(
        CallStatus.TRAP,
        RuntimeErrorCode.STACK_OVERFLOW,
        'stack budget exhausted before the call',
      );
    const code = state.getCode(a.address);
    if (!code)
      return fail(
        CallStatus.TRAP,
        RuntimeErrorCode.NO_CODE,
        `no contract at ${bytesToHex(a.address)}`,
      );
    let prepared: Prepared;
    try {
      prepared = this.prepare(code);
    } catch (e) {
      if (!(e instanceof RuntimeError)) throw e;
      return fail(CallStatus.TRAP, e.code, e.message);
    }
    const method = a.method;
    if (!prepared.methodSet.has(method)) {
      return fail(
        CallStatus.TRAP,
        RuntimeErrorCode.UNKNOWN_METHOD,
        `no exported () -> () method "${method}"`,
      );
    }
    const setup = BigInt(this.costs.instancePage * prepared.memoryPages);
    if (a.gas < setup)
      return fail(
        CallStatus.OUT_OF_GAS,
        RuntimeErrorCode.OUT_OF_GAS,
        'out of gas allocating memory',
      );
    let fn: () => unknown;
    let init: (() => unknown) | undefined;
    try {
      const inst = new wasmEngine.Instance(
        prepared.compiled,
        createHostImports(frame, ctx, prepared.imports),
      );
      frame.gas = inst.exports[GAS_EXPORT] as WasmGlobal;
      frame.stack = inst.exports[STACK_EXPORT] as WasmGlobal;
      frame.chargeFn = inst.exports[CHARGE_EXPORT] as (lo: number, hi: number) => number;
      frame.memory = inst.exports[MEMORY_EXPORT] as WasmMemory | undefined;
      fn = inst.exports[method] as () => unknown;
      if (prepared.initializer) init = inst.exports[INIT_EXPORT] as () => unknown;
    } catch (e) {
      // instantiation traps only on out-of-bounds data/element segments
      return fail(
        CallStatus.TRAP,
        RuntimeErrorCode.TRAP,
        `instantiation failed: ${(e as Error).message}`,
      );
    }
    frame.gas.value = a.gas - setup;
    frame.stack.value = a.stack;
    try {
      init?.();
      fn();
    } catch (e) {
      const { status, code, message } = classify(e, frame);
      if (status === CallStatus.REVERT) {
        state.revertCheckpoint(cp);
        return { status, gasLeft: frame.gasLeft(), output: frame.output, error: { code, message } };
      }
      return fail(status, code, message);
    }
    state.commitCheckpoint(cp);
    return { status: CallStatus.OK, gasLeft: frame.gasLeft(), output: frame.output };
  }
}

/** Maps whatever ended a frame to a status. Errors that are not the contract's fault propagate. */
function classify(e: unknown, frame: Frame): { status: number; code: string; message: string } {
  if (e instanceof ExecutionError) {
    const status =
      e.code === RuntimeErrorCode.REVERT
        ? CallStatus.REVERT
        : e.code === RuntimeErrorCode.OUT_OF_GAS
          ? CallStatus.OUT_OF_GAS
          : CallStatus.TRAP;
    return { status, code: e.code, message: e.message };
  }
  if (e instanceof wasmEngine.RuntimeError) {
    if ((frame.gas!.value as bigint) < 0n) {
      return {
        status: CallStatus.OUT_OF_GAS,
        code: RuntimeErrorCode.OUT_OF_GAS,
        message: 'out of gas',
      };
    }
    if ((frame.stack!.value as number) < 0) {
      return {
        status: CallStatus.TRAP,
        code: RuntimeErrorCode.STACK_OVERFLOW,
        message: 'stack height limit exceeded',
      };
    }
    return { status: CallStatus.TRAP, code: RuntimeErrorCode.TRAP, message: `trap: ${e.message}` };
  }
  if (e instanceof RangeError) {
    // Safety net only: the stack limiter's budget is set well below V8's stack.
    return {
      status: CallStatus.TRAP,
      code: RuntimeErrorCode.STACK_OVERFLOW,
      message: `host stack exhausted: ${e.message}`,
    };
  }
  if (e instanceof RuntimeError)
    return { status: CallStatus.TRAP, code: e.code, message: e.message };
  throw e;
}

function checkAddress(a: Address, what: string): void {
  if (!(a instanceof Uint8Array) || a.length !== ADDRESS_BYTES) {
    throw new InvalidArgumentError(`${what} must be ${ADDRESS_BYTES} bytes`);
  }
}

export function createRuntime(opts: RuntimeOptions = {}): Runtime {
  return new Runtime(opts);
}
