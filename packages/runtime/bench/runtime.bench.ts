import type { BenchHarness, BenchMain } from '@keel/util';
import { instrumentModule } from '../src/metering/instrument.ts';
import { defaultExecutionLimits, defaultGasCosts, defaultModuleLimits } from '../src/options.ts';
import { createRuntime } from '../src/runtime.ts';
import { JournaledState } from '../src/state/journaledState.ts';
import { MemoryStateBackend } from '../src/state/memoryBackend.ts';
import { analyzeModule } from '../src/validate.ts';
import { wasmEngine } from '../src/wasm/engine.ts';
import { hashLoopModule, hostLoopModule, largeModule } from './modules.ts';

const B = 'runtime';
const addr = (n: number) => {
  const a = new Uint8Array(32);
  a[31] = n;
  return a;
};
const block = { height: 1n, time: 0n };

/** `keel bench runtime`: metering overhead, host-call cost, instrumentation speed. */
export const main: BenchMain = async (h) => {
  benchCompute(h);
  benchHostCalls(h);
  benchInstrumentation(h);
  await benchBinaryen(h);
};

/**
 * The floor of a binaryen-based rewriter: parse the same module into binaryen's IR and emit it
 * again, with no metering pass at all. binaryen is not a dependency of the runtime; it is
 * present when AssemblyScript (a devDependency of @keel/contracts) is installed.
 */
async function benchBinaryen(h: BenchHarness): Promise<void> {
  let binaryen: {
    readBinary(b: Uint8Array): { emitBinary(): Uint8Array; dispose(): void };
  };
  try {
    const spec = 'binaryen';
    binaryen = ((await import(spec)) as { default: typeof binaryen }).default;
  } catch {
    h.log('binaryen not installed: skipping the binaryen round-trip anchor');
    return;
  }
  const code = largeModule(Math.max(20, Math.round(2000 * h.scale)));
  const kb = code.length / 1024;
  const o = {
    costs: defaultGasCosts,
    moduleLimits: { ...defaultModuleLimits, maxModuleBytes: 1 << 24 },
    executionLimits: defaultExecutionLimits,
  };
  const ours = h.timeMs(() => instrumentModule(analyzeModule(code, o.moduleLimits, o.costs), o), {
    runs: 9,
  });
  const roundTrip = h.timeMs(
    () => {
      const m = binaryen.readBinary(code);
      m.emitBinary();
      m.dispose();
    },
    { runs: 9 },
  );
  h.report({
    bench: B,
    metric: `validate + instrument (${kb.toFixed(0)} KiB) vs binaryen read + emit alone (no pass)`,
    value: (ours * 1000) / kb,
    unit: 'us/KiB',
    anchor: 'binaryen round trip',
    anchorValue: (roundTrip * 1000) / kb,
  });
}

function benchCompute(h: BenchHarness): void {
  const iterations = Math.max(10_000, Math.round(2_000_000 * h.scale));
  const code = hashLoopModule(iterations);
  const plainMod = new wasmEngine.Module(code);
  const sink = { env: { return_data: () => {} } };
  const plain = () => (new wasmEngine.Instance(plainMod, sink).exports.run as () => void)();
  const anchor = h.timeMs(plain, { runs: 15 });
  h.report({
    bench: B,
    metric: `hash loop ${iterations} rounds, unmetered`,
    value: anchor,
    unit: 'ms',
  });

  const a = analyzeModule(code, defaultModuleLimits, defaultGasCosts);
  const o = {
    costs: defaultGasCosts,
    moduleLimits: defaultModuleLimits,
    executionLimits: defaultExecutionLimits,
  };
  const meteredMod = new wasmEngine.Module(instrumentModule(a, o).bytes);
  const direct = () => {
    const inst = new wasmEngine.Instance(meteredMod, sink);
    (inst.exports.__keel_gas as { value: bigint }).value = 1n << 50n;
    (inst.exports.__keel_stack as { value: number }).value = 1 << 20;
    (inst.exports.run as () => void)();
  };
  h.report({
    bench: B,
    metric: 'hash loop, metered instance (instrumentation only)',
    value: h.timeMs(direct, { runs: 15 }),
    unit: 'ms',
    anchor: 'unmetered',
    anchorValue: anchor,
  });

  const rt = createRuntime();
  const backend = new MemoryStateBackend();
  backend.setCode(addr(2), code);
  const state = new JournaledState(backend);
  const viaRuntime = () => {
    state.beginTx();
    const r = rt.execute({
      state,
      address: addr(2),
      caller: addr(1),
      method: 'run',
      gasLimit: 1e15,
      block,
    });
    state.commitTx();
    if (r.status !== 'ok') throw r.error;
  };
  h.report({
    bench: B,
    metric: 'hash loop, Runtime.execute (metered, state, host)',
    value: h.timeMs(viaRuntime, { runs: 15 }),
    unit: 'ms',
    anchor: 'unmetered',
    anchorValue: anchor,
  });
}

function benchHostCalls(h: BenchHarness): void {
  const calls = Math.max(10_000, Math.round(1_000_000 * h.scale));
  const code = hostLoopModule(calls);
  const plainMod = new wasmEngine.Module(code);
  const env = { env: { input_size: () => 0 } };
  const plainMs = h.timeMs(
    () => (new wasmEngine.Instance(plainMod, env).exports.run as () => void)(),
    { runs: 7 },
  );
  const anchor = (plainMs * 1e6) / calls;
  h.report({
    bench: B,
    metric: 'wasm -> JS import round trip (unmetered, no-op)',
    value: anchor,
    unit: 'ns/call',
  });
  const rt = createRuntime();
  const backend = new MemoryStateBackend();
  backend.setCode(addr(3), code);
  const state = new JournaledState(backend);
  const ms = h.timeMs(
    () => {
      state.beginTx();
      rt.execute({
        state,
        address: addr(3),
        caller: addr(1),
        method: 'run',
        gasLimit: 1e15,
        block,
      });
      state.commitTx();
    },
    { runs: 7 },
  );
  h.report({
    bench: B,
    metric: 'host call round trip (input_size, gas charged)',
    value: (ms * 1e6) / calls,
    unit: 'ns/call',
    anchor: 'unmetered no-op import',
    anchorValue: anchor,
  });
}

function benchInstrumentation(h: BenchHarness): void {
  const code = largeModule(Math.max(20, Math.round(2000 * h.scale)));
  const kb = code.length / 1024;
  const o = {
    costs: defaultGasCosts,
    moduleLimits: { ...defaultModuleLimits, maxModuleBytes: 1 << 24 },
    executionLimits: defaultExecutionLimits,
  };
  const instrument = () => instrumentModule(analyzeModule(code, o.moduleLimits, o.costs), o);
  const ms = h.timeMs(instrument, { runs: 9 });
  h.report({
    bench: B,
    metric: `validate + instrument (${kb.toFixed(0)} KiB module)`,
    value: (ms * 1000) / kb,
    unit: 'us/KiB',
  });
  const compileMs = h.timeMs(() => new wasmEngine.Module(code), { runs: 9 });
  h.report({
    bench: B,
    metric: 'validate + instrument vs V8 compile of the original',
    value: (ms * 1000) / kb,
    unit: 'us/KiB',
    anchor: 'V8 compile',
    anchorValue: (compileMs * 1000) / kb,
  });
  const rt = createRuntime({ moduleLimits: o.moduleLimits, cacheSize: 1 });
  const other = largeModule(3);
  const cold = h.timeMs(
    () => {
      rt.prepare(other); // evicts `code` from the one-entry cache
      rt.prepare(code);
    },
    { runs: 5 },
  );
  h.report({
    bench: B,
    metric: 'prepare (validate + instrument + compile), cache miss',
    value: (cold * 1000) / kb,
    unit: 'us/KiB',
  });
  const hot = h.timeMs(() => rt.prepare(code), { runs: 9 });
  h.report({
    bench: B,
    metric: 'prepare, cache hit (sha256 of the code)',
    value: hot * 1000,
    unit: 'us',
  });
}
