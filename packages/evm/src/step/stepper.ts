import { keccak256 } from '@keel/crypto/hashes';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';
import type { WorldState } from '../state/types.ts';
import type { Address, Transaction } from '../tx/types.ts';
import { END_RUNNING, type Frame } from '../vm/frame.ts';
import { exec, PAUSED } from '../vm/interpreter.ts';
import { beginTx, finishTx, type TxRun } from '../vm/runTx.ts';
import { leaveFrame, resume } from '../vm/system.ts';
import type { BlockEnv, RunTxOptions, RunTxResult } from '../vm/types.ts';

/** Format version of `encodeStepState` (the first RLP item). */
export const STEP_STATE_VERSION = 1;

/** Where a transaction's step machine is. */
export const StepPhase = {
  /** Before the first step: inclusion checks, fee purchase and root-frame entry come next. */
  PENDING: 0,
  /** Between two instructions of a running frame. */
  RUNNING: 1,
  /** The root frame ended; the refund, fees and EIP-161 clean-up come next. */
  ENDED: 2,
  /** Finished: `result` holds the transaction's outcome (valid or not). */
  DONE: 3,
} as const;
export type StepPhase = (typeof StepPhase)[keyof typeof StepPhase];

/**
 * Runs one transaction one step at a time with the interpreter's own code (`exec` with a budget
 * of one instruction, the same `beginTx` / `finishTx` / frame enter and leave as `runTx`): step
 * 0 enters the transaction, every further step executes exactly one instruction (a CALL/CREATE
 * that enters a child frame, or the RETURN/STOP/REVERT/halt that leaves one, is one step), and
 * the last step settles the fees. `state` is mutated as `runTx` would.
 */
export class TxStepper {
  phase: StepPhase = StepPhase.PENDING;
  /** Steps taken so far. */
  steps = 0;
  result: RunTxResult | undefined;
  private run: TxRun | undefined;
  private top: Frame | null = null;

  constructor(
    readonly state: WorldState,
    readonly tx: Transaction,
    readonly sender: Address,
    readonly env: BlockEnv,
    readonly opts: RunTxOptions,
  ) {}

  /** Takes one step; returns false (and does nothing) once the machine is done. */
  step(): boolean {
    switch (this.phase) {
      case StepPhase.PENDING:
        this.begin();
        break;
      case StepPhase.RUNNING:
        this.instruction();
        break;
      case StepPhase.ENDED:
        this.result = finishTx(this.run as TxRun);
        this.phase = StepPhase.DONE;
        break;
      default:
        return false;
    }
    this.steps++;
    return true;
  }

  private begin(): void {
    const run = beginTx(this.state, this.tx, this.sender, this.env, this.opts);
    if ('valid' in run) {
      this.result = run;
      this.phase = StepPhase.DONE;
      return;
    }
    this.run = run;
    this.top = run.ended ? null : run.root;
    this.phase = run.ended ? StepPhase.ENDED : StepPhase.RUNNING;
  }

  private instruction(): void {
    const ctx = (this.run as TxRun).ctx;
    const f = this.top as Frame;
    const r = exec(ctx, f, 1);
    if (r === PAUSED) return;
    if (r !== null) {
      this.top = r;
      return;
    }
    leaveFrame(ctx, f);
    const p = f.parent;
    if (p === null) {
      this.top = null;
      this.phase = StepPhase.ENDED;
      return;
    }
    resume(p, f);
    this.top = p;
  }

  /** Runs to the end; returns the result (equal to `runTx`'s on the same input). */
  runToEnd(): RunTxResult {
    while (this.step()) {
      // one instruction at a time
    }
    return this.result as RunTxResult;
  }

  /** The frames from the root to the running one (empty unless RUNNING). */
  frames(): Frame[] {
    const out: Frame[] = [];
    for (let f = this.top; f !== null; f = f.parent) out.push(f);
    return out.reverse();
  }

  /**
   * The canonical encoding of the machine between two steps (RLP, `STEP_STATE_VERSION` first):
   * phase, step count, the tx context (origin, gas price, refund counter, logs so far), every
   * frame root first (kind, caller, address, code address, value, call data, keccak of the code,
   * depth, static flag, pc, stack, memory, gas left, return data, where the output goes, the
   * logs length and refund at entry), and `worldCommitment` (default: the root of the current
   * accounts, `state.stateRoot()`).
   */
  encode(worldCommitment: Uint8Array = this.state.stateRoot()): Uint8Array {
    const run = this.run;
    const ctx: RLPInput[] =
      run === undefined
        ? []
        : [
            run.ctx.origin,
            bigintToRLPBytes(run.ctx.gasPrice),
            bigintToRLPBytes(BigInt(run.ctx.refund) + 2n ** 63n),
            run.ctx.logs.map((l) => [l.address, [...l.topics], l.data]),
            bigintToRLPBytes(run.root.gasLeft()),
            bigintToRLPBytes(BigInt(run.root.end)),
          ];
    return encodeRLP([
      bigintToRLPBytes(BigInt(STEP_STATE_VERSION)),
      bigintToRLPBytes(BigInt(this.phase)),
      bigintToRLPBytes(BigInt(this.steps)),
      ctx,
      this.frames().map(encodeFrame),
      worldCommitment,
    ]);
  }

  /** keccak256 of `encode()`: the commitment the bisection game compares. */
  commitment(worldCommitment?: Uint8Array): Uint8Array {
    return keccak256(this.encode(worldCommitment));
  }
}

function encodeFrame(f: Frame): RLPInput {
  if (f.end !== END_RUNNING) return [];
  return [
    bigintToRLPBytes(BigInt(f.kind)),
    f.caller,
    f.address,
    f.codeAddress,
    bigintToRLPBytes(f.value),
    f.data,
    keccak256(f.code),
    bigintToRLPBytes(BigInt(f.depth)),
    bigintToRLPBytes(f.isStatic ? 1n : 0n),
    bigintToRLPBytes(BigInt(f.pc)),
    f.stack.slice(0, f.sp).map(bigintToRLPBytes),
    f.mem.subarray(0, f.memSize),
    bigintToRLPBytes(f.gasLeft()),
    f.returnData,
    bigintToRLPBytes(BigInt(f.retOffset)),
    bigintToRLPBytes(BigInt(f.retSize)),
    bigintToRLPBytes(BigInt(f.logsLen)),
    bigintToRLPBytes(BigInt(f.refundAtEntry) + 2n ** 63n),
  ];
}

/** A step machine for `tx` on `state` (same arguments as `runTx`). */
export function createTxStepper(
  state: WorldState,
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
): TxStepper {
  return new TxStepper(state, tx, sender, env, opts);
}
