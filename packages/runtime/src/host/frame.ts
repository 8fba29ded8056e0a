import { ExecutionError, RuntimeErrorCode } from '../errors.ts';
import { ADDRESS_BYTES, type Address, AMOUNT_BYTES, MAX_AMOUNT } from '../types.ts';
import type { WasmGlobal, WasmMemory } from '../wasm/engine.ts';

/**
 * One executing contract instance: its identity, call data, output, and bounds-checked access
 * to its linear memory and gas counter. Host functions go through this and nothing else.
 */
export class Frame {
  readonly address: Address;
  readonly caller: Address;
  readonly value: bigint;
  readonly input: Uint8Array;
  readonly depth: number;
  output: Uint8Array = new Uint8Array(0);
  lastCallOutput: Uint8Array = new Uint8Array(0);
  memory: WasmMemory | undefined;
  gas: WasmGlobal | undefined;
  chargeFn: ((lo: number, hi: number) => number) | undefined;
  stack: WasmGlobal | undefined;

  constructor(address: Address, caller: Address, value: bigint, input: Uint8Array, depth: number) {
    this.address = address;
    this.caller = caller;
    this.value = value;
    this.input = input;
    this.depth = depth;
  }

  /** Deducts gas before any work; on shortfall marks the counter exhausted and halts. */
  charge(amount: number): void {
    // amounts are safe integers; the wasm helper subtracts and reports a negative counter
    if (this.chargeFn!(amount >>> 0, Math.floor(amount / 0x1_0000_0000) >>> 0)) {
      throw new ExecutionError(RuntimeErrorCode.OUT_OF_GAS, 'out of gas in a host function');
    }
  }

  gasLeft(): bigint {
    const v = this.gas!.value as bigint;
    return v < 0n ? 0n : v;
  }

  private view(ptr: number, len: number, what: string): Uint8Array {
    const mem = this.memory;
    if (!mem) {
      throw new ExecutionError(
        RuntimeErrorCode.MEMORY_OUT_OF_BOUNDS,
        `${what}: the contract has no memory`,
      );
    }
    const p = ptr >>> 0;
    const n = len >>> 0;
    const size = mem.buffer.byteLength;
    if (p + n > size) {
      throw new ExecutionError(
        RuntimeErrorCode.MEMORY_OUT_OF_BOUNDS,
        `${what}: [${p}, ${p + n}) is outside memory of ${size} bytes`,
        { ptr: p, len: n, memory: size },
      );
    }
    return new Uint8Array(mem.buffer, p, n);
  }

  /** A copy of `len` bytes at `ptr`. */
  read(ptr: number, len: number, what: string): Uint8Array {
    return this.view(ptr, len, what).slice();
  }

  write(ptr: number, data: Uint8Array, what: string): void {
    this.view(ptr, data.length, what).set(data);
  }

  readAddress(ptr: number, what: string): Address {
    return this.read(ptr, ADDRESS_BYTES, what);
  }

  readAmount(ptr: number, what: string): bigint {
    const b = this.view(ptr, AMOUNT_BYTES, what);
    let v = 0n;
    for (let i = AMOUNT_BYTES - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  writeAmount(ptr: number, v: bigint, what: string): void {
    if (v < 0n || v > MAX_AMOUNT) {
      throw new ExecutionError(
        RuntimeErrorCode.HOST_ARGUMENT,
        `${what}: amount does not fit in u128`,
      );
    }
    const b = new Uint8Array(AMOUNT_BYTES);
    for (let i = 0; i < AMOUNT_BYTES; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    this.write(ptr, b, what);
  }
}

/** Throws a HOST_ARGUMENT trap unless `n` (an unsigned i32) is at most `max`. */
export function checkLength(n: number, max: number, what: string): number {
  const len = n >>> 0;
  if (len > max) {
    throw new ExecutionError(
      RuntimeErrorCode.HOST_ARGUMENT,
      `${what}: length ${len} exceeds the limit of ${max}`,
    );
  }
  return len;
}
