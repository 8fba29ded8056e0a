import type { ConformanceSuite, CountContext } from '@keel/conformance';
import { keccak256 } from '@keel/crypto/hashes';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { accelerateEcdsaRecover } from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@keel/util';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CANCUN } from '../params.ts';
import { encodeRLP } from '../rlp/encode.ts';
import { createMemoryWorldState } from '../state/memoryState.ts';
import type { AccountInit } from '../state/types.ts';
import { decodeTransaction } from '../tx/codec.ts';
import { publicKeyToAddress } from '../tx/sender.ts';
import type { AccessList, Address, Transaction } from '../tx/types.ts';
import { runTx } from '../vm/runTx.ts';
import type { BlockEnv, Log } from '../vm/types.ts';

const DIR = 'ethereum-tests/GeneralStateTests';
const FORK = 'Cancun';

interface JsonAccount {
  balance: string;
  code: string;
  nonce: string;
  storage: Record<string, string>;
}
interface JsonAccessEntry {
  address: string;
  storageKeys: string[];
}
interface JsonTx {
  data: string[];
  gasLimit: string[];
  value: string[];
  nonce: string;
  secretKey: string;
  to: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  accessLists?: (JsonAccessEntry[] | null)[];
  blobVersionedHashes?: string[];
  maxFeePerBlobGas?: string;
}
interface JsonPost {
  hash: string;
  logs: string;
  indexes: { data: number; gas: number; value: number };
  txbytes?: string;
  expectException?: string;
}
/** One filled state test. */
export interface StateTest {
  env: Record<string, string>;
  pre: Record<string, JsonAccount>;
  transaction: JsonTx;
  post: Record<string, JsonPost[]>;
}

/** A JSON integer; retesteth writes values too large for 256 bits as `0x:bigint 0x…`. */
function big(h: string): bigint {
  return BigInt(h.startsWith('0x:bigint ') ? h.slice(10) : h);
}

/** Hex that may lack its 0x or have an odd length (as some fillers write it). */
function bytes(h: string): Uint8Array {
  let s = h.startsWith('0x') ? h.slice(2) : h;
  if (s.length % 2 === 1) s = `0${s}`;
  return hexToBytes(s);
}

function word32(h: string): Uint8Array {
  const b = bytes(h);
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

const senderCache = new Map<string, Address>();
function senderOf(secretKey: string): Address {
  let a = senderCache.get(secretKey);
  if (a === undefined) {
    a = publicKeyToAddress(secp256k1.getPublicKey(bytes(secretKey), false));
    senderCache.set(secretKey, a);
  }
  return a;
}

/** Parsed pre-states by test: the cases of a test share code arrays (and their analysis). */
const parsedPre = new WeakMap<object, [Address, AccountInit][]>();

function preState(pre: Record<string, JsonAccount>) {
  let accounts = parsedPre.get(pre);
  if (accounts === undefined) {
    accounts = [];
    for (const [addr, a] of Object.entries(pre)) {
      const storage = new Map<bigint, bigint>();
      for (const [k, v] of Object.entries(a.storage)) storage.set(big(k), big(v));
      accounts.push([
        bytes(addr),
        { nonce: big(a.nonce), balance: big(a.balance), code: bytes(a.code), storage },
      ]);
    }
    parsedPre.set(pre, accounts);
  }
  return createMemoryWorldState(accounts);
}

function blockEnv(env: Record<string, string>): BlockEnv {
  return {
    chainId: 1n,
    coinbase: bytes(env.currentCoinbase!),
    number: big(env.currentNumber!),
    timestamp: big(env.currentTimestamp!),
    gasLimit: big(env.currentGasLimit!),
    baseFee: big(env.currentBaseFee ?? '0x0'),
    prevRandao: word32(env.currentRandom ?? env.currentDifficulty!),
    excessBlobGas: big(env.currentExcessBlobGas ?? '0x0'),
    // ethereum/tests state tests: the hash of block n is keccak256 of n in decimal.
    getBlockHash: (n) => keccak256(utf8ToBytes(n.toString())),
  };
}

function accessList(entries: JsonAccessEntry[]): AccessList {
  return entries.map((e) => ({
    address: bytes(e.address),
    storageKeys: e.storageKeys.map(word32),
  }));
}

/** The transaction of one (data, gas, value) triple, typed from the fields present. */
function buildTx(t: JsonTx, d: number, g: number, v: number): Transaction {
  const common = {
    nonce: big(t.nonce),
    gasLimit: big(t.gasLimit[g]!),
    to: t.to === '' ? null : bytes(t.to),
    value: big(t.value[v]!),
    data: bytes(t.data[d]!),
    v: 0n,
    r: 0n,
    s: 0n,
  };
  const list = t.accessLists?.[d];
  if (t.blobVersionedHashes !== undefined) {
    return {
      ...common,
      type: 3,
      to: common.to as Address,
      chainId: 1n,
      maxFeePerGas: big(t.maxFeePerGas!),
      maxPriorityFeePerGas: big(t.maxPriorityFeePerGas!),
      accessList: accessList(list ?? []),
      maxFeePerBlobGas: big(t.maxFeePerBlobGas!),
      blobVersionedHashes: t.blobVersionedHashes.map(bytes),
    };
  }
  if (t.maxFeePerGas !== undefined) {
    return {
      ...common,
      type: 2,
      chainId: 1n,
      maxFeePerGas: big(t.maxFeePerGas),
      maxPriorityFeePerGas: big(t.maxPriorityFeePerGas!),
      accessList: accessList(list ?? []),
    };
  }
  if (list !== undefined && list !== null) {
    return {
      ...common,
      type: 1,
      chainId: 1n,
      gasPrice: big(t.gasPrice!),
      accessList: accessList(list),
    };
  }
  return { ...common, type: 0, gasPrice: big(t.gasPrice!) };
}

/** keccak256(rlp([[address, [topics], data], …])). */
export function logsHash(logs: readonly Log[]): Uint8Array {
  return keccak256(encodeRLP(logs.map((l) => [l.address, [...l.topics], l.data])));
}

function txBytesDecode(txbytes: string | undefined): boolean {
  if (txbytes === undefined) return true;
  try {
    decodeTransaction(bytes(txbytes));
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one (data, gas, value) case of a state test; returns what differs, or null. `execute`
 * (default `runTx`) lets the step machine run the same case one instruction at a time.
 */
export function runStateCase(
  test: StateTest,
  post: JsonPost,
  kzg: KzgBackend | undefined,
  execute: typeof runTx = runTx,
): string | null {
  const { data: d, gas: g, value: v } = post.indexes;
  const state = preState(test.pre);
  const env = blockEnv(test.env);
  const sender = senderOf(test.transaction.secretKey);
  // A transaction whose bytes do not decode (e.g. a value over 256 bits) is never run.
  const decodes = post.expectException === undefined || txBytesDecode(post.txbytes);
  const tx = decodes ? buildTx(test.transaction, d, g, v) : undefined;
  const res = tx ? execute(state, tx, sender, env, { fork: CANCUN, kzg }) : undefined;
  if (post.expectException !== undefined) {
    if (res?.valid) {
      return `expected ${post.expectException}, the transaction was included`;
    }
  } else if (res === undefined || !res.valid) {
    return `transaction rejected: ${res?.reason}: ${res?.message}`;
  }
  const root = bytesToHex(state.stateRoot());
  if (root !== post.hash.slice(2)) {
    return `state root ${root}, expected ${post.hash.slice(2)}`;
  }
  const lh = bytesToHex(logsHash(res?.valid ? res.logs : []));
  if (lh !== post.logs.slice(2)) {
    return `logs hash ${lh}, expected ${post.logs.slice(2)}`;
  }
  return null;
}

function tests(ctx: CountContext, file: string): [string, StateTest][] {
  return Object.entries(ctx.readJson(file) as Record<string, StateTest>);
}

function caseId(file: string, name: string, p: JsonPost): string {
  const { data, gas, value } = p.indexes;
  return `${file.slice(DIR.length + 1)}/${name}/d${data}g${gas}v${value}`;
}

/**
 * Cases never run, with the reason. Keys are id prefixes (`<file>/` or `<file>/<test>/d<i>`…).
 */
export const ETH_STATE_SKIPPED: Readonly<Record<string, string>> = {
  'stTimeConsuming/CALLBlake2f_MaxRounds.json/':
    'BLAKE2b F (0x09) with 2^32-1 rounds: ~4.3e9 compression rounds, hours in JavaScript; 0x09 is ' +
    'covered by EIP-152 vectors 0-7 and the ethereumjs differential test',
};

/**
 * Cases that take seconds each (hundreds of millions of instructions or millions of BLAKE2b
 * rounds): skipped by `npm test` to keep it fast, run by `keel conformance eth-state`.
 */
export const ETH_STATE_SLOW: Readonly<Record<string, string>> = {
  'VMTests/vmPerformance/loopMul.json/':
    'performance test (1.6e8 instructions of 256-bit MUL per case); run by keel conformance',
  ...Object.fromEntries(
    [8, 9, 10, 11, 12, 13, 14].map((d) => [
      `VMTests/vmPerformance/loopExp.json/loopExp/d${d}g0`,
      'performance test (loops of 256-bit EXP, 1-4 s of CPU per case); run by keel conformance',
    ]),
  ),
  'stPreCompiledContracts2/CALLBlake2f.json/CALLBlake2f/d9g0':
    'BLAKE2b F with ~8e6 rounds (tens of seconds in JS); run by keel conformance',
  'stPreCompiledContracts2/CALLCODEBlake2f.json/CALLCODEBlake2f/d9g0':
    'BLAKE2b F with ~8e6 rounds (tens of seconds in JS); run by keel conformance',
};

export interface EthStateSuiteOptions {
  /** Folders under GeneralStateTests to run (default: all of it). */
  readonly only?: readonly string[];
  /** Cases to skip (id prefix → reason), on top of `ETH_STATE_SKIPPED`. */
  readonly skip?: Readonly<Record<string, string>>;
}

function skipReason(id: string, skip: Readonly<Record<string, string>>): string | undefined {
  for (const [prefix, reason] of Object.entries(skip)) if (id.startsWith(prefix)) return reason;
  return undefined;
}

/** The eth-state suite, optionally narrowed to some folders or with more skips. */
export function createEthStateSuite(opts: EthStateSuiteOptions = {}): ConformanceSuite {
  const skip = { ...ETH_STATE_SKIPPED, ...opts.skip };
  return {
    name: 'eth-state',
    description: `ethereum/tests GeneralStateTests at ${FORK}: post state root and logs hash`,
    files: [],
    filesIn: opts.only ? opts.only.map((d) => `${DIR}/${d}`) : [DIR],
    expectedCases: (ctx) =>
      ctx.files.reduce(
        (n, f) => n + tests(ctx, f).reduce((m, [, t]) => m + (t.post[FORK]?.length ?? 0), 0),
        0,
      ),
    async run(ctx) {
      // The point-evaluation precompile (0x0a) needs a KZG backend (c-kzg, else node-eth-kzg).
      const kzg = await loadKzgBackend('auto');
      // Sender recovery and ECRECOVER through libsecp256k1 where it loads (noble otherwise).
      await accelerateEcdsaRecover();
      for (const file of ctx.files) {
        for (const [name, test] of tests(ctx, file)) {
          for (const p of test.post[FORK] ?? []) {
            const id = caseId(file, name, p);
            const reason = skipReason(id, skip);
            if (reason !== undefined) {
              ctx.skip(id, reason);
              continue;
            }
            await ctx.check(id, () => {
              const diff = runStateCase(test, p, kzg);
              ctx.expectTrue(diff === null, diff ?? '');
            });
          }
        }
      }
    },
  };
}

export const ethStateSuite: ConformanceSuite = createEthStateSuite();
