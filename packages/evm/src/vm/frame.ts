import type { ForkParams } from '../params.ts';
import type { PrecompileContext } from '../precompiles/types.ts';
import type { WorldState } from '../state/types.ts';
import type { Address } from '../tx/types.ts';
import { MAX_MEMORY, memoryCost } from './gas.ts';
import type { BlockEnv, Log } from './types.ts';

/**
 * An exceptional halt: the frame stops and consumes all its gas. Thrown inside the interpreter
 * and always caught by it; never escapes `runTx`.
 */
export class Halt {
  constructor(readonly reason: string) {}
}
export const OUT_OF_GAS = new Halt('out of gas');
export const STACK_UNDERFLOW = new Halt('stack underflow');
export const STACK_OVERFLOW = new Halt('stack overflow');
export const STATIC_WRITE = new Halt('state modification in a static call');
export const BAD_JUMP = new Halt('invalid jump destination');
export const INVALID_OPCODE = new Halt('invalid opcode');
export const RETURNDATA_OOB = new Halt('return data out of bounds');

/** Everything shared by the frames of one transaction. */
export interface TxContext {
  readonly state: WorldState;
  readonly env: BlockEnv;
  readonly fork: ForkParams;
  readonly origin: Address;
  readonly gasPrice: bigint;
  readonly blobHashes: readonly Uint8Array[];
  readonly blobBaseFee: bigint;
  readonly precompileCtx: PrecompileContext;
  /** Logs of frames not (yet) reverted; a reverted frame truncates it back. */
  readonly logs: Log[];
  /** EIP-3529 refund counter; a reverted frame restores it. */
  refund: number;
}

export const FRAME_CALL = 0;
export const FRAME_CREATE = 1;

/** Frame outcome. */
export const END_RUNNING = 0;
export const END_SUCCESS = 1;
export const END_REVERT = 2;
export const END_HALT = 3;

/** Gas above this stays in `gasX` (bigint), so `gas` (number) is always exact. */
export const GAS_CHUNK = 2 ** 52;
const GAS_CHUNK_N = BigInt(GAS_CHUNK);

const EMPTY = new Uint8Array(0);

/** One message call or creation being executed. */
export class Frame {
  pc = 0;
  readonly stack: bigint[] = [];
  sp = 0;
  mem: Uint8Array = EMPTY;
  memSize = 0;
  /** Gas left = gas + gasX (gas is a number, exact; gasX holds any excess over 2^52). */
  gas = 0;
  gasX = 0n;
  returnData: Uint8Array = EMPTY;
  output: Uint8Array = EMPTY;
  end = END_RUNNING;
  haltReason = '';
  /** Where the caller wants the output (calls) — set when this frame is a child. */
  retOffset = 0;
  retSize = 0;
  /** State checkpoint, logs length and refund at entry, for a revert. */
  checkpoint = 0;
  logsLen = 0;
  refundAtEntry = 0;
  parent: Frame | null = null;

  constructor(
    readonly kind: number,
    readonly caller: Address,
    readonly address: Address,
    readonly codeAddress: Address,
    readonly value: bigint,
    readonly data: Uint8Array,
    readonly code: Uint8Array,
    readonly depth: number,
    readonly isStatic: boolean,
    gas: bigint,
  ) {
    this.setGas(gas);
  }

  setGas(g: bigint): void {
    if (g > GAS_CHUNK_N) {
      this.gas = GAS_CHUNK;
      this.gasX = g - GAS_CHUNK_N;
    } else {
      this.gas = Number(g);
      this.gasX = 0n;
    }
  }

  gasLeft(): bigint {
    return BigInt(this.gas) + this.gasX;
  }
}

/** Called when `gas` went negative: borrows from `gasX` or halts out of gas. */
export function refill(f: Frame, gas: number): number {
  if (f.gasX === 0n) throw OUT_OF_GAS;
  const total = BigInt(gas) + f.gasX;
  if (total < 0n) throw OUT_OF_GAS;
  const take = total > GAS_CHUNK_N ? GAS_CHUNK_N : total;
  f.gasX = total - take;
  return Number(take);
}

/** Charges a bigint cost against the frame's stored gas (outside the hot loop). */
export function chargeBig(f: Frame, cost: bigint): void {
  const left = f.gasLeft();
  if (cost > left) throw OUT_OF_GAS;
  f.setGas(left - cost);
}

/** The exclusive end of memory range (offset, size) as a number; 0 for an empty range. */
export function rangeEnd(offset: bigint, size: bigint): number {
  if (size === 0n) return 0;
  const end = offset + size;
  if (end > BigInt(MAX_MEMORY)) throw OUT_OF_GAS;
  return Number(end);
}

/** The gas to grow memory to cover `end` bytes. */
export function memCost(f: Frame, end: number): number {
  if (end <= f.memSize) return 0;
  return memoryCost(Math.ceil(end / 32)) - memoryCost(f.memSize / 32);
}

/** Grows memory to cover `end` bytes (already paid for). */
export function memGrow(f: Frame, end: number): void {
  if (end <= f.memSize) return;
  const size = Math.ceil(end / 32) * 32;
  if (size > f.mem.length) {
    const buf = new Uint8Array(Math.min(Math.max(size, f.mem.length * 2, 1024), MAX_MEMORY));
    buf.set(f.mem.subarray(0, f.memSize));
    f.mem = buf;
  }
  f.memSize = size;
}

/** Copies `src[srcOff, srcOff+size)` into memory at `memOff`, zero-filling past `src`'s end. */
export function copyToMemory(
  f: Frame,
  memOff: number,
  src: Uint8Array,
  srcOff: bigint,
  size: number,
): void {
  if (size === 0) return;
  const mem = f.mem;
  const start = srcOff >= BigInt(src.length) ? src.length : Number(srcOff);
  const n = Math.min(size, src.length - start);
  if (n > 0) mem.set(src.subarray(start, start + n), memOff);
  if (n < size) mem.fill(0, memOff + Math.max(n, 0), memOff + size);
}
