import { keccak256 } from '@keel/crypto/hashes';
import type { KzgBackend } from '@keel/crypto/kzg';
import { bytesToHex, equalBytes, isKeelError } from '@keel/util';
import { EvmErrorCode } from '../errors.ts';
import { CANCUN } from '../params.ts';
import { decodeRLP, type RLPValue } from '../rlp/decode.ts';
import { encodeRLP } from '../rlp/encode.ts';
import { rlpBytes, rlpBytesToBigint, rlpList } from '../rlp/fields.ts';
import { addressKey } from '../state/addressKey.ts';
import { EMPTY_CODE_HASH, type MemoryWorldState } from '../state/memoryState.ts';
import type { AccountInit } from '../state/types.ts';
import { MemoryTrieNodeStore, type TrieNodeStore } from '../trie/nodeStore.ts';
import { MerklePatriciaTrie } from '../trie/trie.ts';
import type { Address } from '../tx/types.ts';
import { FRAME_CALL, Frame } from '../vm/frame.ts';
import type { TxRun } from '../vm/runTx.ts';
import type { BlockEnv, RunTxOptions } from '../vm/types.ts';
import { StepError, StepErrorCode } from './errors.ts';
import { StatelessWorld, type StepWitnessSource } from './statelessWorld.ts';
import { blockHashWindow, restoredContext, restoredFrame, TxStepper } from './stepper.ts';
import { commitmentOf, decodeStepState, StepPhase, type StepState } from './stepState.ts';
import type { TxSets } from './txSets.ts';

/**
 * What one stateless step needs beyond the step state: the trie nodes (account trie, storage
 * tries, at the current and the pre-transaction root) on the paths the step reads or writes,
 * the code of every frame and account it runs or reads, and the block-hash window if it runs
 * BLOCKHASH. All of it is checked by hash, so a wrong witness cannot change the result — it
 * can only be incomplete (StepError WITNESS).
 */
export interface StepWitness {
  readonly nodes: readonly Uint8Array[];
  readonly codes: readonly Uint8Array[];
  readonly blockHashes: readonly Uint8Array[] | undefined;
}

const EMPTY = new Uint8Array(0);

export function encodeStepWitness(w: StepWitness): Uint8Array {
  return encodeRLP([
    [...w.nodes],
    [...w.codes],
    w.blockHashes === undefined ? [] : [[...w.blockHashes]],
  ]);
}

export function decodeStepWitness(bytes: Uint8Array): StepWitness {
  try {
    const top = rlpList(decodeRLP(bytes), 'witness');
    if (top.length !== 3) throw new StepError(StepErrorCode.DECODE, 'witness: not 3 items');
    const bh = rlpList(top[2]!, 'blockHashes');
    return {
      nodes: rlpList(top[0]!, 'nodes').map((b) => rlpBytes(b, 'node')),
      codes: rlpList(top[1]!, 'codes').map((b) => rlpBytes(b, 'code')),
      blockHashes:
        bh.length === 0 ? undefined : rlpList(bh[0]!, 'hashes').map((b) => rlpBytes(b, 'hash')),
    };
  } catch (e) {
    if (e instanceof StepError || !isKeelError(e)) throw e;
    throw new StepError(StepErrorCode.DECODE, `witness: ${e.message}`);
  }
}

interface Source extends StepWitnessSource {
  blockHashes(): readonly Uint8Array[] | undefined;
}

function loadSets(sets: TxSets, v: RLPValue): void {
  const f = rlpList(v, 'sets');
  const addrs = (x: RLPValue, field: string): string[] =>
    rlpList(x, field).map((a) => {
      const b = rlpBytes(a, field);
      if (b.length !== 20) throw new StepError(StepErrorCode.DECODE, `${field}: not 20 bytes`);
      return addressKey(b);
    });
  const word = (x: RLPValue, field: string): bigint => rlpBytesToBigint(rlpBytes(x, field), field);
  for (const k of addrs(f[0]!, 'warm address')) sets.warmAddrs.add(k);
  for (const e of rlpList(f[1]!, 'warm slots')) {
    const [a, slots] = rlpList(e, 'warm slot entry');
    const k = addrs([a!], 'warm slot address')[0]!;
    sets.warmSlots.set(k, new Set(rlpList(slots!, 'slots').map((s) => word(s, 'slot'))));
  }
  for (const e of rlpList(f[2]!, 'transient')) {
    const [a, slots] = rlpList(e, 'transient entry');
    const k = addrs([a!], 'transient address')[0]!;
    const m = new Map<bigint, bigint>();
    for (const kv of rlpList(slots!, 'transient slots')) {
      const [s, val] = rlpList(kv, 'transient slot');
      m.set(word(s!, 'transient key'), word(val!, 'transient value'));
    }
    sets.transient.set(k, m);
  }
  for (const k of addrs(f[3]!, 'touched')) sets.touched.add(k);
  for (const k of addrs(f[4]!, 'created')) sets.created.add(k);
  for (const k of addrs(f[5]!, 'destroyed')) sets.destroyed.add(k);
}

function stepEnv(s: StepState, src: Source): BlockEnv {
  const st = s.static;
  const first = st.number > 256n ? st.number - 256n : 0n;
  let checked: readonly Uint8Array[] | undefined;
  return {
    chainId: st.chainId,
    coinbase: st.coinbase,
    number: st.number,
    timestamp: st.timestamp,
    gasLimit: st.gasLimit,
    baseFee: st.baseFee,
    prevRandao: st.prevRandao,
    excessBlobGas: st.excessBlobGas,
    getBlockHash(n: bigint): Uint8Array | undefined {
      if (checked === undefined) {
        const list = src.blockHashes();
        if (
          list === undefined ||
          !equalBytes(keccak256(encodeRLP([...list])), st.blockHashesRoot)
        ) {
          throw new StepError(StepErrorCode.WITNESS, 'witness lacks the block-hash window');
        }
        checked = list;
      }
      const h = checked[Number(n - first)];
      return h === undefined || h.length === 0 ? undefined : h;
    },
  };
}

function codeOf(src: Source, hash: Uint8Array): Uint8Array {
  if (equalBytes(hash, EMPTY_CODE_HASH)) return EMPTY;
  const c = src.code(hash);
  if (c === undefined)
    throw new StepError(StepErrorCode.WITNESS, `witness lacks code ${bytesToHex(hash)}`);
  return c;
}

/** Executes the one step after `s` against `src` alone; returns the post commitment. */
function runStep(s: StepState, src: Source, kzg: KzgBackend | undefined): Uint8Array {
  if (s.phase === StepPhase.DONE) return commitmentOf(s);
  const world = new StatelessWorld(
    s.accountsRoot,
    s.static.preRoot,
    src,
    s.frames.map((f) => f.snapshot),
  );
  loadSets(world.sets, s.sets);
  const env = stepEnv(s, src);
  const st = s.static;
  const opts: RunTxOptions = {
    fork: CANCUN,
    kzg,
    gasAvailable: st.gasAvailable,
    blobGasAvailable: st.blobGasAvailable,
  };
  const m = new TxStepper(world, st.tx, st.sender, env, opts, st);
  m.phase = s.phase;
  m.steps = s.steps;
  if (s.run !== undefined) {
    const ctx = restoredContext(world, env, opts, s);
    let parent: Frame | null = null;
    s.frames.forEach((sf, i) => {
      parent = restoredFrame(sf, codeOf(src, sf.codeHash), i, parent);
    });
    let root: Frame;
    if (s.phase === StepPhase.ENDED) {
      root = new Frame(FRAME_CALL, st.sender, st.sender, st.sender, 0n, EMPTY, EMPTY, 0, false, 0n);
      root.setGas(s.run.rootGasLeft);
      root.end = s.run.rootEnd;
      root.output = s.run.rootOutput;
    } else {
      root = parent as unknown as Frame;
      while (root.parent !== null) root = root.parent;
    }
    const run: TxRun = {
      ctx,
      root,
      tx: st.tx,
      sender: st.sender,
      gasPrice: s.run.gasPrice,
      blobGas: s.run.blobGas,
      createdAddress: s.run.createdAddress,
      ended: s.phase === StepPhase.ENDED,
    };
    m.run = run;
    m.top = s.phase === StepPhase.RUNNING ? parent : null;
  }
  m.step();
  return m.commitment();
}

function asStepError(e: unknown): never {
  if (e instanceof StepError || !isKeelError(e)) throw e;
  if (e.code === EvmErrorCode.TRIE)
    throw new StepError(StepErrorCode.WITNESS, `witness: ${e.message}`);
  throw new StepError(StepErrorCode.DECODE, e.message);
}

function witnessSource(w: StepWitness): Source {
  const store = new MemoryTrieNodeStore();
  for (const n of w.nodes) store.put(keccak256(n), n);
  const codes = new Map<string, Uint8Array>();
  for (const c of w.codes) codes.set(bytesToHex(keccak256(c)), c);
  return {
    store,
    code: (h) => codes.get(bytesToHex(h)),
    blockHashes: () => w.blockHashes,
  };
}

export interface StepOnceOptions {
  /** For a step that calls the point-evaluation precompile (0x0a). */
  readonly kzg?: KzgBackend;
}

/**
 * Stateless: executes exactly the one step after the step state `pre` (its `encodeStepState`
 * bytes) on `pre` and `witness` alone and returns the post-state commitment — equal to what
 * `TxStepper.commitment()` gives after `step()`. Malformed input or an incomplete witness
 * throws StepError (DECODE / WITNESS).
 */
export function stepOnce(
  pre: Uint8Array,
  witness: StepWitness,
  opts: StepOnceOptions = {},
): Uint8Array {
  const s = decodeStepState(pre);
  try {
    return runStep(s, witnessSource(witness), opts.kzg);
  } catch (e) {
    return asStepError(e);
  }
}

/**
 * The L1 check: `pre` must commit to `preCommitment` (else StepError PRE_MISMATCH); returns
 * whether the one step from it yields `claimedPost`.
 */
export function verifyStep(
  preCommitment: Uint8Array,
  pre: Uint8Array,
  witness: StepWitness,
  claimedPost: Uint8Array,
  opts: StepOnceOptions = {},
): boolean {
  const s = decodeStepState(pre);
  const c = commitmentOf(s);
  if (!equalBytes(c, preCommitment)) {
    throw new StepError(StepErrorCode.PRE_MISMATCH, `pre state commits to ${bytesToHex(c)}`);
  }
  try {
    return equalBytes(runStep(s, witnessSource(witness), opts.kzg), claimedPost);
  } catch (e) {
    return asStepError(e);
  }
}

/** Adds the account and storage tries of `accounts` to `store`; returns the accounts root. */
function addTries(
  store: TrieNodeStore,
  accounts: Iterable<[Address, AccountInit]>,
  codes: Map<string, Uint8Array>,
): void {
  const t = new MerklePatriciaTrie({ store });
  for (const [a, acct] of accounts) {
    const st = new MerklePatriciaTrie({ store });
    for (const [k, v] of acct.storage ?? []) {
      const key = new Uint8Array(32);
      let x = k;
      for (let i = 31; i >= 0; i--, x >>= 8n) key[i] = Number(x & 0xffn);
      if (v !== 0n) st.put(keccak256(key), encodeRLP(bigintBytes(v)));
    }
    const codeHash = keccak256(acct.code);
    codes.set(bytesToHex(codeHash), acct.code);
    t.put(
      keccak256(a),
      encodeRLP([bigintBytes(acct.nonce), bigintBytes(acct.balance), st.root(), codeHash]),
    );
  }
  t.root();
}

function bigintBytes(v: bigint): Uint8Array {
  if (v === 0n) return EMPTY;
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Uint8Array.from(hex.match(/../g) as string[], (h) => Number.parseInt(h, 16));
}

/**
 * The honest side: the witness for the step `stepper` takes next (the stepper is not moved),
 * recorded by running the same stateless step on full tries of `stepper.state` (a
 * MemoryWorldState) and of `preTx` (the state before the transaction). Returns the witness and
 * the post commitment it leads to.
 */
export function createStepWitness(
  stepper: TxStepper,
  preTx: MemoryWorldState,
  opts: StepOnceOptions = {},
): { witness: StepWitness; post: Uint8Array } {
  const s = stepper.stepState();
  const full = new MemoryTrieNodeStore();
  const codes = new Map<string, Uint8Array>();
  addTries(full, (stepper.state as MemoryWorldState).entries(), codes);
  addTries(full, preTx.entries(), codes);
  for (const f of stepper.frames()) codes.set(bytesToHex(keccak256(f.code)), f.code);
  const nodes = new Map<string, Uint8Array>();
  const written = new MemoryTrieNodeStore();
  const usedCodes = new Map<string, Uint8Array>();
  let usedHashes = false;
  const src: Source = {
    store: {
      get(h) {
        const w = written.get(h);
        if (w !== undefined) return w;
        const n = full.get(h);
        if (n !== undefined) nodes.set(bytesToHex(h), n);
        return n;
      },
      put: (h, e) => written.put(h, e),
    },
    code(h) {
      const c = codes.get(bytesToHex(h));
      if (c !== undefined) usedCodes.set(bytesToHex(h), c);
      return c;
    },
    blockHashes() {
      usedHashes = true;
      return blockHashWindow(stepper.env);
    },
  };
  const post = runStep(s, src, opts.kzg);
  return {
    witness: {
      nodes: [...nodes.values()],
      codes: [...usedCodes.values()],
      blockHashes: usedHashes ? blockHashWindow(stepper.env) : undefined,
    },
    post,
  };
}
