import { keccak256 } from '@keel/crypto/hashes';
import { isKeelError } from '@keel/util';
import { decodeRLP, type RLPValue } from '../rlp/decode.ts';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes, rlpBytes, rlpBytesToBigint, rlpList } from '../rlp/fields.ts';
import { decodeTransaction } from '../tx/codec.ts';
import type { Address, Transaction } from '../tx/types.ts';
import type { Log } from '../vm/types.ts';
import { StepError, StepErrorCode } from './errors.ts';

/** Format version of the step state (the first RLP item of its encoding and commitment). */
export const STEP_STATE_VERSION = 2;

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

/** The world (accounts root + per-tx sets hash) as it was at a frame's checkpoint. */
export interface StepSnapshot {
  readonly accountsRoot: Uint8Array;
  readonly setsHash: Uint8Array;
}

/** What does not change while a transaction runs: the tx, its block and the pre-tx root. */
export interface StepStatic {
  readonly rawTx: Uint8Array;
  readonly tx: Transaction;
  readonly sender: Address;
  readonly chainId: bigint;
  readonly coinbase: Address;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly baseFee: bigint;
  readonly prevRandao: Uint8Array;
  readonly excessBlobGas: bigint;
  /** keccak256 of the RLP list of the hashes of blocks max(0, number-256) … number-1. */
  readonly blockHashesRoot: Uint8Array;
  readonly gasAvailable: bigint;
  readonly blobGasAvailable: bigint;
  /** The accounts root before the transaction (EIP-2200 original values are read against it). */
  readonly preRoot: Uint8Array;
}

export interface StepFrame {
  readonly kind: number;
  readonly caller: Address;
  readonly address: Address;
  readonly codeAddress: Address;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly depth: number;
  readonly isStatic: boolean;
  readonly pc: number;
  readonly stack: readonly bigint[];
  readonly memory: Uint8Array;
  readonly gasLeft: bigint;
  readonly returnData: Uint8Array;
  readonly retOffset: number;
  readonly retSize: number;
  readonly logsLen: number;
  readonly refundAtEntry: number;
  readonly snapshot: StepSnapshot;
}

/** The transaction-wide part once the transaction entered (RUNNING, ENDED). */
export interface StepRun {
  readonly gasPrice: bigint;
  readonly blobGas: bigint;
  readonly createdAddress: Address | undefined;
  readonly refund: number;
  readonly logs: readonly Log[];
  /** ENDED only: how the root frame ended (END_* code), its gas left and output. */
  readonly rootEnd: number;
  readonly rootGasLeft: bigint;
  readonly rootOutput: Uint8Array;
}

/**
 * A step machine between two steps, decoded. `sets` is the RLP of `TxSets` (see txSets.ts);
 * `result` the RLP of the outcome (DONE only, see `resultToRLP`).
 */
export interface StepState {
  readonly phase: StepPhase;
  readonly steps: number;
  readonly static: StepStatic;
  readonly run: StepRun | undefined;
  /** Root first; non-empty exactly when RUNNING. */
  readonly frames: readonly StepFrame[];
  readonly accountsRoot: Uint8Array;
  readonly sets: RLPValue;
  readonly result: RLPValue;
}

const n = bigintToRLPBytes;
const OFFSET = 2n ** 63n;

export function encodeStatic(s: StepStatic): Uint8Array {
  return encodeRLP([
    s.rawTx,
    s.sender,
    n(s.chainId),
    s.coinbase,
    n(s.number),
    n(s.timestamp),
    n(s.gasLimit),
    n(s.baseFee),
    s.prevRandao,
    n(s.excessBlobGas),
    s.blockHashesRoot,
    n(s.gasAvailable),
    n(s.blobGasAvailable),
    s.preRoot,
  ]);
}

export function logsToRLP(logs: readonly Log[]): RLPInput {
  return logs.map((l) => [l.address, [...l.topics], l.data]);
}

function runToRLP(r: StepRun | undefined): RLPInput {
  if (r === undefined) return [];
  return [
    n(r.gasPrice),
    n(r.blobGas),
    r.createdAddress ?? new Uint8Array(0),
    n(BigInt(r.refund) + OFFSET),
    logsToRLP(r.logs),
    n(BigInt(r.rootEnd)),
    n(r.rootGasLeft),
    r.rootOutput,
  ];
}

function frameToRLP(f: StepFrame): RLPInput {
  return [
    n(BigInt(f.kind)),
    f.caller,
    f.address,
    f.codeAddress,
    n(f.value),
    f.data,
    f.codeHash,
    n(BigInt(f.depth)),
    n(f.isStatic ? 1n : 0n),
    n(BigInt(f.pc)),
    f.stack.map(n),
    f.memory,
    n(f.gasLeft),
    f.returnData,
    n(BigInt(f.retOffset)),
    n(BigInt(f.retSize)),
    n(BigInt(f.logsLen)),
    n(BigInt(f.refundAtEntry) + OFFSET),
    f.snapshot.accountsRoot,
    f.snapshot.setsHash,
  ];
}

/**
 * The step state's full encoding (what `stepOnce` takes): RLP [version, phase, steps, static,
 * run, frames, accountsRoot, sets, result].
 */
export function encodeStepState(s: StepState): Uint8Array {
  return encodeRLP([
    n(BigInt(STEP_STATE_VERSION)),
    n(BigInt(s.phase)),
    n(BigInt(s.steps)),
    decodeRLP(encodeStatic(s.static)) as RLPInput,
    runToRLP(s.run),
    s.frames.map(frameToRLP),
    s.accountsRoot,
    s.sets as RLPInput,
    s.result as RLPInput,
  ]);
}

/**
 * The commitment the bisection game compares: keccak256 of RLP [version, phase, steps,
 * keccak(static), run, frames, accountsRoot, keccak(sets), result]. The static part and the
 * sets enter by hash, so a revert to an earlier checkpoint (whose snapshot keeps only
 * hashes) still yields a commitment without the reverted sets' contents.
 */
export function stepCommitment(
  s: Omit<StepState, 'sets'> & { readonly setsHash: Uint8Array },
): Uint8Array {
  return keccak256(
    encodeRLP([
      n(BigInt(STEP_STATE_VERSION)),
      n(BigInt(s.phase)),
      n(BigInt(s.steps)),
      keccak256(encodeStatic(s.static)),
      runToRLP(s.run),
      s.frames.map(frameToRLP),
      s.accountsRoot,
      s.setsHash,
      s.result as RLPInput,
    ]),
  );
}

/** The commitment of a decoded state (its sets hashed as they are). */
export function commitmentOf(s: StepState): Uint8Array {
  return stepCommitment({ ...s, setsHash: keccak256(encodeRLP(s.sets as RLPInput)) });
}

/** Decoding limits: a step state is at most this many bytes. */
export const MAX_STEP_STATE_BYTES = 1 << 26;

function fail(message: string): never {
  throw new StepError(StepErrorCode.DECODE, `step state: ${message}`);
}

const int = (v: RLPValue | undefined, field: string, max = 32): bigint =>
  rlpBytesToBigint(rlpBytes(v ?? fail(`missing ${field}`), field), field, max);
const small = (v: RLPValue | undefined, field: string): number => {
  const x = int(v, field, 8);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${field} ${x} too large`);
  return Number(x);
};
const signed = (v: RLPValue | undefined, field: string): number => {
  const x = int(v, field, 8) - OFFSET;
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)) {
    fail(`${field} out of range`);
  }
  return Number(x);
};
const bytes = (v: RLPValue | undefined, field: string, len?: number): Uint8Array => {
  const b = rlpBytes(v ?? fail(`missing ${field}`), field);
  if (len !== undefined && b.length !== len) fail(`${field} is ${b.length} bytes, not ${len}`);
  return b;
};
const list = (v: RLPValue | undefined, field: string, len?: number): RLPValue[] => {
  const l = rlpList(v ?? fail(`missing ${field}`), field);
  if (len !== undefined && l.length !== len) fail(`${field} has ${l.length} items, not ${len}`);
  return l;
};

function decodeStatic(v: RLPValue): StepStatic {
  const f = list(v, 'static', 14);
  const rawTx = bytes(f[0], 'tx');
  return {
    rawTx,
    tx: decodeTransaction(rawTx),
    sender: bytes(f[1], 'sender', 20),
    chainId: int(f[2], 'chainId'),
    coinbase: bytes(f[3], 'coinbase', 20),
    number: int(f[4], 'number'),
    timestamp: int(f[5], 'timestamp'),
    gasLimit: int(f[6], 'gasLimit'),
    baseFee: int(f[7], 'baseFee'),
    prevRandao: bytes(f[8], 'prevRandao', 32),
    excessBlobGas: int(f[9], 'excessBlobGas'),
    blockHashesRoot: bytes(f[10], 'blockHashesRoot', 32),
    gasAvailable: int(f[11], 'gasAvailable'),
    blobGasAvailable: int(f[12], 'blobGasAvailable'),
    preRoot: bytes(f[13], 'preRoot', 32),
  };
}

export function decodeLogs(v: RLPValue, field: string): Log[] {
  return list(v, field).map((l, i) => {
    const e = list(l, `${field}[${i}]`, 3);
    return {
      address: bytes(e[0], 'log address', 20),
      topics: list(e[1], 'log topics').map((t) => bytes(t, 'log topic', 32)),
      data: bytes(e[2], 'log data'),
    };
  });
}

function decodeRun(v: RLPValue): StepRun | undefined {
  const f = list(v, 'run');
  if (f.length === 0) return undefined;
  if (f.length !== 8) fail(`run has ${f.length} items, not 8`);
  const created = bytes(f[2], 'createdAddress');
  if (created.length !== 0 && created.length !== 20) fail('createdAddress is not 20 bytes');
  return {
    gasPrice: int(f[0], 'gasPrice'),
    blobGas: int(f[1], 'blobGas'),
    createdAddress: created.length === 0 ? undefined : created,
    refund: signed(f[3], 'refund'),
    logs: decodeLogs(f[4] as RLPValue, 'logs'),
    rootEnd: small(f[5], 'rootEnd'),
    rootGasLeft: int(f[6], 'rootGasLeft'),
    rootOutput: bytes(f[7], 'rootOutput'),
  };
}

function decodeFrame(v: RLPValue, i: number): StepFrame {
  const f = list(v, `frame ${i}`, 20);
  return {
    kind: small(f[0], 'kind'),
    caller: bytes(f[1], 'caller', 20),
    address: bytes(f[2], 'address', 20),
    codeAddress: bytes(f[3], 'codeAddress', 20),
    value: int(f[4], 'value'),
    data: bytes(f[5], 'data'),
    codeHash: bytes(f[6], 'codeHash', 32),
    depth: small(f[7], 'depth'),
    isStatic: small(f[8], 'isStatic') === 1,
    pc: small(f[9], 'pc'),
    stack: stack1024(list(f[10], 'stack')).map((w) => int(w, 'stack word')),
    memory: mem32(bytes(f[11], 'memory')),
    gasLeft: int(f[12], 'gasLeft'),
    returnData: bytes(f[13], 'returnData'),
    retOffset: small(f[14], 'retOffset'),
    retSize: small(f[15], 'retSize'),
    logsLen: small(f[16], 'logsLen'),
    refundAtEntry: signed(f[17], 'refundAtEntry'),
    snapshot: {
      accountsRoot: bytes(f[18], 'snapshot root', 32),
      setsHash: bytes(f[19], 'snapshot sets hash', 32),
    },
  };
}

/** The inverse of `encodeStepState`; malformed bytes throw StepError(DECODE). */
export function decodeStepState(bytesIn: Uint8Array): StepState {
  if (bytesIn.length > MAX_STEP_STATE_BYTES) fail(`${bytesIn.length} bytes exceed the limit`);
  try {
    const top = list(decodeRLP(bytesIn), 'top', 9);
    const version = small(top[0], 'version');
    if (version !== STEP_STATE_VERSION) fail(`version ${version}, expected ${STEP_STATE_VERSION}`);
    const phase = small(top[1], 'phase');
    if (phase > StepPhase.DONE) fail(`phase ${phase}`);
    const run = decodeRun(top[4] as RLPValue);
    const frames = list(top[5], 'frames').map(decodeFrame);
    const p = phase as StepPhase;
    if (frames.length > 0 !== (p === StepPhase.RUNNING)) fail('frames present iff RUNNING');
    if ((run !== undefined) !== (p === StepPhase.RUNNING || p === StepPhase.ENDED)) {
      fail('run context present iff RUNNING or ENDED');
    }
    const result = top[8] as RLPValue;
    if (p !== StepPhase.DONE && (!Array.isArray(result) || result.length > 0)) {
      fail('result present before DONE');
    }
    const sets = list(top[7], 'sets', 6);
    return {
      phase: p,
      steps: small(top[2], 'steps'),
      static: decodeStatic(top[3] as RLPValue),
      run,
      frames,
      accountsRoot: bytes(top[6], 'accountsRoot', 32),
      sets,
      result,
    };
  } catch (e) {
    if (e instanceof StepError) throw e;
    if (isKeelError(e)) fail(e.message);
    throw e;
  }
}

function mem32(m: Uint8Array): Uint8Array {
  if (m.length % 32 !== 0) fail(`memory of ${m.length} bytes is not whole words`);
  return m;
}

function stack1024(s: RLPValue[]): RLPValue[] {
  if (s.length > 1024) fail(`stack of ${s.length} items exceeds 1024`);
  return s;
}
