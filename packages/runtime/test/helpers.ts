import createWabt from 'wabt';
import {
  type Address,
  type CallParameters,
  createRuntime,
  type ExecutionResult,
  JournaledState,
  MemoryStateBackend,
  type Runtime,
  type RuntimeOptions,
} from '../src/index.ts';

const wabt = await createWabt();

/** Assembles WebAssembly text with wabt (post-MVP features on, so the validator sees them). */
export function wat(text: string): Uint8Array {
  const m = wabt.parseWat('test.wat', text, {
    multi_value: true,
    sign_extension: true,
    bulk_memory: true,
    simd: true,
    threads: true,
    reference_types: true,
    sat_float_to_int: true,
    tail_call: true,
  });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

export function addr(n: number): Address {
  const a = new Uint8Array(32);
  a[31] = n;
  a[0] = 0xaa;
  return a;
}

export const ALICE = addr(1);

export interface World {
  rt: Runtime;
  backend: MemoryStateBackend;
  state: JournaledState;
  deploy(n: number, code: Uint8Array): Address;
  /** One call in its own transaction, committed. */
  call(to: Address, method: string, extra?: Partial<CallParameters>): ExecutionResult;
}

export function world(opts: RuntimeOptions = {}): World {
  const rt = createRuntime(opts);
  const backend = new MemoryStateBackend();
  const state = new JournaledState(backend);
  return {
    rt,
    backend,
    state,
    deploy(n, code) {
      rt.validate(code);
      const a = addr(n);
      backend.setCode(a, code);
      return a;
    },
    call(to, method, extra = {}) {
      state.beginTx();
      const r = rt.execute({
        state,
        address: to,
        caller: ALICE,
        method,
        gasLimit: 1_000_000,
        block: { height: 7n, time: 1_700_000_000_000n },
        ...extra,
      });
      state.commitTx();
      return r;
    },
  };
}

export const u32le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
export const readU32le = (b: Uint8Array) =>
  new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
