import { keccak256 } from '@keel/crypto/hashes';
import { blobBaseFee, CANCUN } from '../params.ts';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';
import { EMPTY_CODE_HASH } from '../state/memoryState.ts';
import type { WorldState } from '../state/types.ts';
import { encodeTransaction } from '../tx/codec.ts';
import type { Address, Transaction } from '../tx/types.ts';
import { END_RUNNING, Frame, type TxContext } from '../vm/frame.ts';
import { exec, PAUSED } from '../vm/interpreter.ts';
import { beginTx, finishTx, type TxRun } from '../vm/runTx.ts';
import { leaveFrame, resume } from '../vm/system.ts';
import type { BlockEnv, RunTxOptions, RunTxResult } from '../vm/types.ts';
import { StepError, StepErrorCode } from './errors.ts';
import {
  encodeStepState,
  logsToRLP,
  type StepFrame,
  StepPhase,
  type StepRun,
  type StepState,
  type StepStatic,
  stepCommitment,
} from './stepState.ts';
import type { StepWorld } from './stepWorld.ts';
import { TrackingWorld } from './trackingWorld.ts';

export { STEP_STATE_VERSION, StepPhase } from './stepState.ts';

const EMPTY = new Uint8Array(0);

/** The hashes of blocks max(0, number-256) … number-1 as BLOCKHASH sees them (empty = 0). */
export function blockHashWindow(env: BlockEnv): Uint8Array[] {
  const first = env.number > 256n ? env.number - 256n : 0n;
  const out: Uint8Array[] = [];
  for (let i = first; i < env.number; i++) out.push(env.getBlockHash(i) ?? EMPTY);
  return out;
}

export function resultToRLP(r: RunTxResult): RLPInput {
  const n = bigintToRLPBytes;
  if (!r.valid) return [EMPTY, new TextEncoder().encode(r.reason)];
  return [
    Uint8Array.of(1),
    n(BigInt(r.status)),
    n(r.gasUsed),
    n(r.blobGasUsed),
    logsToRLP(r.logs),
    r.createdAddress ?? EMPTY,
    r.returnData,
  ];
}

/**
 * Runs one transaction one step at a time with the interpreter's own code (`exec` with a budget
 * of one instruction, the same `beginTx` / `finishTx` / frame enter and leave as `runTx`): step
 * 0 enters the transaction, every further step executes exactly one instruction (a CALL/CREATE
 * that enters a child frame, or the RETURN/STOP/REVERT/halt that leaves one, is one step), and
 * the last step settles the fees. Stepping a DONE machine changes nothing.
 */
export class TxStepper {
  phase: StepPhase = StepPhase.PENDING;
  /** Steps taken so far. */
  steps = 0;
  result: RunTxResult | undefined;
  /** @internal */ run: TxRun | undefined;
  /** @internal */ top: Frame | null = null;

  constructor(
    readonly world: StepWorld,
    readonly tx: Transaction,
    readonly sender: Address,
    readonly env: BlockEnv,
    readonly opts: RunTxOptions,
    readonly staticPart: StepStatic,
  ) {}

  /** The world the transaction mutates (the wrapped state for `createTxStepper`). */
  get state(): WorldState {
    return this.world instanceof TrackingWorld ? this.world.inner : this.world;
  }

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
    const run = beginTx(this.world, this.tx, this.sender, this.env, this.opts);
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

  private stepRun(): StepRun | undefined {
    const run = this.run;
    if (run === undefined || this.phase === StepPhase.DONE) return undefined;
    const ended = this.phase === StepPhase.ENDED;
    return {
      gasPrice: run.gasPrice,
      blobGas: run.blobGas,
      createdAddress: run.createdAddress,
      refund: run.ctx.refund,
      logs: run.ctx.logs,
      rootEnd: ended ? run.root.end : END_RUNNING,
      rootGasLeft: ended ? run.root.gasLeft() : 0n,
      rootOutput: ended ? run.root.output : EMPTY,
    };
  }

  private stepFrames(): StepFrame[] {
    return this.frames().map((f) => ({
      kind: f.kind,
      caller: f.caller,
      address: f.address,
      codeAddress: f.codeAddress,
      value: f.value,
      data: f.data,
      codeHash: keccak256(f.code),
      depth: f.depth,
      isStatic: f.isStatic,
      pc: f.pc,
      stack: f.stack.slice(0, f.sp),
      memory: f.mem.subarray(0, f.memSize),
      gasLeft: f.gasLeft(),
      returnData: f.returnData,
      retOffset: f.retOffset,
      retSize: f.retSize,
      logsLen: f.logsLen,
      refundAtEntry: f.refundAtEntry,
      snapshot: this.world.snapshotAt(f.checkpoint),
    }));
  }

  /** The machine between two steps as a decoded step state (see stepState.ts). */
  stepState(): StepState {
    return {
      phase: this.phase,
      steps: this.steps,
      static: this.staticPart,
      run: this.stepRun(),
      frames: this.stepFrames(),
      accountsRoot: this.world.accountsRoot(),
      sets: this.world.sets.toRLP() as never,
      result: (this.phase === StepPhase.DONE
        ? resultToRLP(this.result as RunTxResult)
        : []) as never,
    };
  }

  /** The canonical encoding `stepOnce` takes (`encodeStepState(stepState())`). */
  encode(): Uint8Array {
    return encodeStepState(this.stepState());
  }

  /** The commitment the bisection game compares (see `stepCommitment`). */
  commitment(): Uint8Array {
    const s = this.stepState();
    return stepCommitment({ ...s, setsHash: this.world.setsHash() });
  }
}

/** The static part of a step state for `tx` in `env` on a state whose root is `preRoot`. */
export function stepStaticOf(
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
  preRoot: Uint8Array,
): StepStatic {
  if (opts.fork !== CANCUN) {
    throw new StepError(StepErrorCode.INVALID_ARGUMENT, 'step states are defined for Cancun only');
  }
  return {
    rawTx: encodeTransaction(tx),
    tx,
    sender,
    chainId: env.chainId,
    coinbase: env.coinbase,
    number: env.number,
    timestamp: env.timestamp,
    gasLimit: env.gasLimit,
    baseFee: env.baseFee,
    prevRandao: env.prevRandao,
    excessBlobGas: env.excessBlobGas,
    blockHashesRoot: keccak256(encodeRLP(blockHashWindow(env))),
    gasAvailable: opts.gasAvailable ?? env.gasLimit,
    blobGasAvailable: opts.blobGasAvailable ?? opts.fork.maxBlobGasPerBlock,
    preRoot,
  };
}

export interface TxStepperOptions {
  /**
   * Keep what `encode()`/`commitment()` need: the static part (pre-tx root, block hashes) and a
   * snapshot (accounts root + sets hash) at every frame checkpoint. Costs one state root per
   * frame entry. Default false: stepping only.
   */
  readonly commitments?: boolean;
}

/** A step machine for `tx` on `state` (same arguments as `runTx`). */
export function createTxStepper(
  state: WorldState,
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
  stepOpts: TxStepperOptions = {},
): TxStepper {
  const commitments = stepOpts.commitments === true;
  const world = new TrackingWorld(state, commitments);
  const staticPart = commitments
    ? stepStaticOf(tx, sender, env, opts, state.stateRoot())
    : (undefined as unknown as StepStatic);
  return new TxStepper(world, tx, sender, env, opts, staticPart);
}

/** @internal The run context of a restored machine (what `beginTx` would have built). */
export function restoredContext(
  world: StepWorld,
  env: BlockEnv,
  opts: RunTxOptions,
  s: StepState,
): TxContext {
  const run = s.run as StepRun;
  const tx = s.static.tx;
  return {
    state: world,
    env,
    fork: opts.fork,
    origin: s.static.sender,
    gasPrice: run.gasPrice,
    blobHashes: tx.type === 3 ? tx.blobVersionedHashes : [],
    blobBaseFee: blobBaseFee(opts.fork, env.excessBlobGas),
    precompileCtx: { kzg: opts.kzg },
    logs: [...run.logs],
    refund: run.refund,
  };
}

/** @internal A frame rebuilt from its step state (checkpoint = its index among the frames). */
export function restoredFrame(
  sf: StepFrame,
  code: Uint8Array,
  index: number,
  parent: Frame | null,
): Frame {
  const f = new Frame(
    sf.kind,
    sf.caller,
    sf.address,
    sf.codeAddress,
    sf.value,
    sf.data,
    code,
    sf.depth,
    sf.isStatic,
    sf.gasLeft,
  );
  f.pc = sf.pc;
  for (const w of sf.stack) f.stack.push(w);
  f.sp = sf.stack.length;
  f.mem = sf.memory.slice();
  f.memSize = sf.memory.length;
  f.returnData = sf.returnData;
  f.retOffset = sf.retOffset;
  f.retSize = sf.retSize;
  f.logsLen = sf.logsLen;
  f.refundAtEntry = sf.refundAtEntry;
  f.checkpoint = index;
  f.parent = parent;
  return f;
}

export { EMPTY_CODE_HASH };
