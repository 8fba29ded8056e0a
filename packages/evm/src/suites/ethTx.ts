import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { keccak256 } from '@keel/crypto/hashes';
import { accelerateEcdsaRecover } from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { CANCUN, type ForkParams, SHANGHAI } from '../params.ts';
import { decodeTransaction, encodeTransaction } from '../tx/codec.ts';
import { txHash } from '../tx/hash.ts';
import { intrinsicGas } from '../tx/intrinsicGas.ts';
import { recoverSender } from '../tx/sender.ts';
import type { FeeMarketTx, Transaction } from '../tx/types.ts';
import { validateTransaction } from '../tx/validate.ts';

const DIR = 'ethereum-tests/TransactionTests';
/**
 * Blob transactions are absent from TransactionTests; the EIP-4844 state tests carry signed
 * type-2/3 `txbytes` beside the fields and sender they were built from.
 */
const BLOB_STATE_DIR = 'ethereum-tests/GeneralStateTests/Pyspecs/cancun/eip4844_blobs';
/** State-test exceptions that `validateTransaction` must raise (the others need the state). */
const STATIC_EXCEPTIONS = new Set([
  'TransactionException.TYPE_3_TX_ZERO_BLOBS',
  'TransactionException.TYPE_3_TX_BLOB_COUNT_EXCEEDED',
  'TransactionException.TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH',
]);
/** The forks this package implements; a file's other fork entries are not cases. */
const FORKS: Readonly<Record<string, ForkParams>> = { Shanghai: SHANGHAI, Cancun: CANCUN };
/** The tests are filled for chain id 1. */
const CHAIN_ID = 1n;

interface ForkResult {
  exception?: string;
  hash?: string;
  sender?: string;
  intrinsicGas?: string;
}
interface TxTest {
  txbytes: string;
  result: Record<string, ForkResult>;
}

function tests(ctx: CountContext, file: string): [string, TxTest][] {
  return Object.entries(ctx.readJson(file) as Record<string, TxTest>);
}

interface StateTx {
  nonce: string;
  to: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  maxFeePerBlobGas?: string;
  blobVersionedHashes?: string[];
  accessLists?: ({ address: string; storageKeys: string[] }[] | null)[];
  data: string[];
  gasLimit: string[];
  value: string[];
  sender: string;
}
interface StatePost {
  txbytes: string;
  indexes: { data: number; gas: number; value: number };
  expectException?: string;
}
interface StateTest {
  transaction: StateTx;
  post: Record<string, StatePost[]>;
}

function stateTests(ctx: CountContext, file: string): [string, StateTest][] {
  return Object.entries(ctx.readJson(file) as Record<string, StateTest>);
}

const isStateFile = (f: string) => f.startsWith(`${BLOB_STATE_DIR}/`);

function countCases(ctx: CountContext): number {
  let n = 0;
  for (const f of ctx.files) {
    if (isStateFile(f)) {
      for (const [, t] of stateTests(ctx, f)) n += t.post.Cancun?.length ?? 0;
      continue;
    }
    for (const [, t] of tests(ctx, f)) n += Object.keys(t.result).filter((k) => k in FORKS).length;
  }
  return n;
}

const hex = (b: Uint8Array) => `0x${bytesToHex(b)}`;
/** The state tests' integer spelling: 0x-hex, no leading zeros (0 as 0x00). */
const num = (s: string) => BigInt(s);

/** The decoded transaction's fields in the state test's terms, for one comparison. */
function fieldsOf(tx: Transaction) {
  return {
    nonce: tx.nonce,
    to: tx.to ? hex(tx.to) : '',
    data: hex(tx.data),
    gasLimit: tx.gasLimit,
    value: tx.value,
    gasPrice: tx.type < 2 ? (tx as { gasPrice: bigint }).gasPrice : undefined,
    maxFeePerGas: tx.type >= 2 ? (tx as FeeMarketTx).maxFeePerGas : undefined,
    maxPriorityFeePerGas: tx.type >= 2 ? (tx as FeeMarketTx).maxPriorityFeePerGas : undefined,
    maxFeePerBlobGas: tx.type === 3 ? tx.maxFeePerBlobGas : undefined,
    blobVersionedHashes: tx.type === 3 ? tx.blobVersionedHashes.map(hex) : undefined,
    accessList:
      tx.type === 0
        ? undefined
        : tx.accessList.map((e) => ({
            address: hex(e.address),
            storageKeys: e.storageKeys.map(hex),
          })),
  };
}

function expectedFields(t: StateTx, p: StatePost, type: number) {
  const al = t.accessLists?.[p.indexes.data] ?? (type === 0 ? undefined : []);
  const opt = (s: string | undefined) => (s === undefined ? undefined : num(s));
  return {
    nonce: num(t.nonce),
    to: t.to.toLowerCase(),
    data: t.data[p.indexes.data]!.toLowerCase(),
    gasLimit: num(t.gasLimit[p.indexes.gas]!),
    value: num(t.value[p.indexes.value]!),
    gasPrice: opt(t.gasPrice),
    maxFeePerGas: opt(t.maxFeePerGas),
    maxPriorityFeePerGas: opt(t.maxPriorityFeePerGas),
    maxFeePerBlobGas: opt(t.maxFeePerBlobGas),
    blobVersionedHashes: t.blobVersionedHashes?.map((h) => h.toLowerCase()),
    accessList: al?.map((e) => ({
      address: e.address.toLowerCase(),
      storageKeys: e.storageKeys.map((k) => k.toLowerCase()),
    })),
  };
}

function runStateCase(ctx: SuiteContext, t: StateTx, p: StatePost): void {
  const raw = hexToBytes(p.txbytes);
  const tx = decodeTransaction(raw);
  ctx.expectEqual(fieldsOf(tx), expectedFields(t, p, tx.type), 'fields');
  ctx.expectEqual(hex(recoverSender(tx)), t.sender.toLowerCase(), 'sender');
  ctx.expectEqual(hex(encodeTransaction(tx)), p.txbytes.toLowerCase(), 're-encoding');
  const validate = () => validateTransaction(tx, { chainId: CHAIN_ID, fork: CANCUN });
  if (p.expectException && STATIC_EXCEPTIONS.has(p.expectException)) {
    const e = ctx.expectThrows(validate, `valid (expected ${p.expectException})`);
    ctx.expectTrue(isKeelError(e), `rejected with a non-KeelError: ${e}`);
  } else {
    validate();
  }
}

/** Decode, stand-alone validity, sender: everything a transaction must pass before state. */
function process(raw: Uint8Array, fork: ForkParams) {
  const tx = decodeTransaction(raw);
  validateTransaction(tx, { chainId: CHAIN_ID, fork });
  return { tx, sender: recoverSender(tx) };
}

function runCase(ctx: SuiteContext, raw: Uint8Array, fork: ForkParams, r: ForkResult): void {
  if (r.exception !== undefined) {
    const e = ctx.expectThrows(() => process(raw, fork), `accepted (expected ${r.exception})`);
    ctx.expectTrue(isKeelError(e), `rejected with a non-KeelError: ${e}`);
    return;
  }
  const { tx, sender } = process(raw, fork);
  ctx.expectEqual(`0x${bytesToHex(sender)}`, r.sender, 'sender');
  ctx.expectEqual(`0x${bytesToHex(txHash(tx))}`, r.hash, 'hash');
  ctx.expectEqual(`0x${bytesToHex(keccak256(raw))}`, r.hash, 'hash of the raw bytes');
  ctx.expectEqual(bytesToHex(encodeTransaction(tx)), bytesToHex(raw), 're-encoding');
  ctx.expectEqual(intrinsicGas(tx), BigInt(r.intrinsicGas!), 'intrinsic gas');
}

export const ethTxSuite: ConformanceSuite = {
  name: 'eth-tx',
  description:
    'transactions: decoding, stand-alone validity, sender, hash, intrinsic gas (TransactionTests, Shanghai + Cancun); type-3 decoding and sender (EIP-4844 state tests)',
  files: [],
  filesIn: [DIR, BLOB_STATE_DIR],
  expectedCases: countCases,
  async run(ctx) {
    // Sender recovery through libsecp256k1 where it loads (noble otherwise).
    await accelerateEcdsaRecover();
    for (const file of ctx.files) {
      if (isStateFile(file)) {
        for (const [name, t] of stateTests(ctx, file)) {
          t.post.Cancun?.forEach((p, i) => {
            ctx.check(`state/${name}/Cancun/${i}`, () => runStateCase(ctx, t.transaction, p));
          });
        }
        continue;
      }
      for (const [name, t] of tests(ctx, file)) {
        const raw = hexToBytes(t.txbytes);
        for (const [forkName, r] of Object.entries(t.result)) {
          const fork = FORKS[forkName];
          if (!fork) continue;
          const id = `${file.slice(DIR.length + 1)}/${name}/${forkName}`;
          ctx.check(id, () => runCase(ctx, raw, fork, r));
        }
      }
    }
  },
};
