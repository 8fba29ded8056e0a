import type { Address } from '@keel/evm';
import { bytesToHex, equalBytes, hexToBytes, bytesToBigInt as rlpWordToBigInt } from '@keel/util';
import {
  createExecutionWitness,
  type ExecutionWitness,
  type TreeStats,
  VerkleTree,
} from '@keel/verkle';
import { readAccount } from '../state/account.ts';
import { accountKey, StatePrefix } from '../state/keys.ts';
import type { LedgerState, StateWrite } from '../state/ledgerState.ts';
import {
  decodeEvmAccount,
  evmAccountAddress,
  evmAccountKey,
  evmCodeKey,
  evmHeadOf,
} from './keys.ts';
import {
  chunkifyCode,
  encodeBasicData,
  storageLeafValue,
  verkleBasicDataKey,
  verkleCodeChunkKey,
  verkleCodeHashKey,
  verkleStorageKey,
} from './verkleKeys.ts';

interface Reader {
  get(key: Uint8Array): Uint8Array | undefined;
}

const EMPTY_CODE_HASH = hexToBytes(
  'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
);

/**
 * The verkle leaves of one EVM account as the ledger state holds it (EIP-6800 layout: basic
 * data, code hash, code chunks; storage is separate). Empty when the account does not exist
 * for the EVM (neither an EVM record nor a ledger account in the EVM range).
 */
function accountLeaves(view: Reader, a: Address): Array<[Uint8Array, Uint8Array]> {
  const rec = view.get(evmAccountKey(a));
  const acct = view.get(accountKey(evmAccountAddress(a)));
  if (rec === undefined && acct === undefined) return [];
  const { nonce, balance } = readAccount(view, evmAccountAddress(a));
  const codeHash = rec ? decodeEvmAccount(rec).codeHash : EMPTY_CODE_HASH;
  const code = equalBytes(codeHash, EMPTY_CODE_HASH) ? undefined : view.get(evmCodeKey(codeHash));
  const out: Array<[Uint8Array, Uint8Array]> = [
    [verkleBasicDataKey(a), encodeBasicData({ nonce, balance, codeSize: code?.length ?? 0 })],
    [verkleCodeHashKey(a), codeHash],
  ];
  if (code)
    for (const [i, c] of chunkifyCode(code).entries()) out.push([verkleCodeChunkKey(a, i), c]);
  return out;
}

/** What a changed ledger key means for the verkle tree: an account or one storage slot. */
function classify(key: Uint8Array): { a: Address; slot?: bigint } | undefined {
  if (key[0] === StatePrefix.ACCOUNT && key.length === 33) {
    for (let i = 1; i < 13; i++) if (key[i] !== 0) return undefined;
    return { a: key.slice(13) };
  }
  if (key[0] === StatePrefix.EVM_ACCOUNT && key.length === 21) return { a: key.slice(1) };
  if (key[0] === StatePrefix.EVM_STORAGE && key.length === 53)
    return { a: key.slice(1, 21), slot: rlpWordToBigInt(key.subarray(21)) };
  return undefined;
}

/** Builds the verkle tree of a whole ledger state (after a restart or a snapshot). */
export function buildVerkleTree(state: LedgerState): VerkleTree {
  const tree = new VerkleTree();
  const seen = new Set<string>();
  for (const [key, value] of state.entries()) {
    const c = classify(key);
    if (c === undefined) continue;
    if (c.slot !== undefined) {
      tree.insert(verkleStorageKey(c.a, c.slot), storageLeafValue(rlpWordToBigInt(value)));
      continue;
    }
    const id = bytesToHex(c.a);
    if (seen.has(id)) continue;
    seen.add(id);
    for (const [k, v] of accountLeaves(state, c.a)) tree.insert(k, v);
  }
  tree.commit();
  return tree;
}

// ---- per-block trees and witnesses, memoised by Ethereum block-view hash --------------------
// The view hash commits to the verkle root, so equal hashes mean equal EVM states; a miss only
// costs a rebuild. These maps are caches of pure functions of the state, bounded.

const MAX_REMEMBERED = 512;
const trees = new Map<string, VerkleTree>();

interface BlockRecord {
  readonly number: bigint;
  readonly parentRoot: Uint8Array;
  readonly root: Uint8Array;
  readonly parentTree: VerkleTree;
  readonly keys: readonly Uint8Array[];
  readonly post: ReadonlyMap<string, Uint8Array>;
  witness?: ExecutionWitness | null;
}
const blocks = new Map<string, BlockRecord>();

function remember<V>(m: Map<string, V>, k: string, v: V): void {
  m.delete(k);
  m.set(k, v);
  if (m.size > MAX_REMEMBERED) m.delete(m.keys().next().value as string);
}

/** The verkle tree of a state (never mutate it: fork it). */
export function verkleTreeOf(state: LedgerState): VerkleTree {
  const head = evmHeadOf(state);
  const id = head ? bytesToHex(head.hash) : undefined;
  const known = id === undefined ? undefined : trees.get(id);
  if (known) return known;
  const tree = buildVerkleTree(state);
  if (id !== undefined) remember(trees, id, tree);
  return tree;
}

/** Records the tree of the state whose Ethereum view is `viewHash`. */
export function rememberVerkleTree(viewHash: Uint8Array, tree: VerkleTree): void {
  remember(trees, bytesToHex(viewHash), tree);
}

/**
 * The keys a block's execution touched (EIP-4762 style access events, over-approximated:
 * every header read opens basic data and code hash, every code read all its chunks).
 */
export class VerkleAccessRecorder {
  readonly keys = new Map<string, Uint8Array>();
  private readonly accounts = new Set<string>();
  private readonly codes = new Set<string>();

  private add(k: Uint8Array): void {
    this.keys.set(bytesToHex(k), k);
  }
  account(a: Address): void {
    const id = bytesToHex(a);
    if (this.accounts.has(id)) return;
    this.accounts.add(id);
    this.add(verkleBasicDataKey(a));
    this.add(verkleCodeHashKey(a));
  }
  code(a: Address, code: Uint8Array): void {
    const id = bytesToHex(a);
    if (this.codes.has(id)) return;
    this.codes.add(id);
    const n = Math.ceil(code.length / 31);
    for (let i = 0; i < n; i++) this.add(verkleCodeChunkKey(a, i));
  }
  storage(a: Address, slot: bigint): void {
    this.add(verkleStorageKey(a, slot));
  }
}

export interface VerkleBlockUpdate {
  readonly tree: VerkleTree;
  readonly root: Uint8Array;
  readonly parentRoot: Uint8Array;
  readonly parentTree: VerkleTree;
  readonly keys: readonly Uint8Array[];
  readonly post: ReadonlyMap<string, Uint8Array>;
}

/**
 * Folds a block's net ledger writes into a fork of the parent's verkle tree. `parent` and
 * `post` are the ledger states before and after the block's transactions; every leaf the
 * block wrote joins the accessed keys, so the witness covers reads and writes.
 */
export function applyVerkleBlock(
  parent: LedgerState,
  post: LedgerState,
  writes: readonly StateWrite[],
  access: VerkleAccessRecorder,
): VerkleBlockUpdate {
  const parentTree = verkleTreeOf(parent);
  const parentRoot = parentTree.rootCommitment();
  const tree = parentTree.fork();
  const keys = new Map(access.keys);
  const post2 = new Map<string, Uint8Array>();
  const put = (k: Uint8Array, v: Uint8Array | undefined) => {
    const id = bytesToHex(k);
    keys.set(id, k);
    const cur = tree.get(k);
    if (v === undefined) {
      if (cur !== undefined) tree.delete(k);
      return;
    }
    post2.set(id, v);
    if (cur === undefined || !equalBytes(cur, v)) tree.insert(k, v);
  };
  const accounts = new Map<string, Address>();
  for (const w of writes) {
    const c = classify(w.key);
    if (c === undefined) continue;
    if (c.slot === undefined) accounts.set(bytesToHex(c.a), c.a);
    else
      put(
        verkleStorageKey(c.a, c.slot),
        w.value === undefined ? undefined : storageLeafValue(rlpWordToBigInt(w.value)),
      );
  }
  for (const a of accounts.values()) {
    const now = accountLeaves(post, a);
    const live = new Set(now.map(([k]) => bytesToHex(k)));
    for (const [k] of accountLeaves(parent, a)) if (!live.has(bytesToHex(k))) put(k, undefined);
    for (const [k, v] of now) put(k, v);
  }
  const root = tree.rootCommitment();
  return { tree, root, parentRoot, parentTree, keys: [...keys.values()], post: post2 };
}

/** Keeps what `verkleBlockWitness` needs for the block whose view hash is `viewHash`. */
export function rememberVerkleBlock(
  viewHash: Uint8Array,
  number: bigint,
  u: VerkleBlockUpdate,
): void {
  const id = bytesToHex(viewHash);
  remember(trees, id, u.tree);
  remember(blocks, id, {
    number,
    parentRoot: u.parentRoot,
    root: u.root,
    parentTree: u.parentTree,
    keys: u.keys,
    post: u.post,
  });
}

/** A block's execution witness: the accessed keys' pre-state values, proven against the parent. */
export interface VerkleBlockWitness {
  readonly number: bigint;
  readonly parentRoot: Uint8Array;
  readonly root: Uint8Array;
  readonly keys: number;
  /** null for a block that touched no EVM state (nothing to prove). */
  readonly witness: ExecutionWitness | null;
}

/**
 * The witness of an applied block (by its Ethereum view hash), built on first request and
 * kept; undefined when this process did not apply that block recently.
 */
export function verkleBlockWitness(viewHash: Uint8Array): VerkleBlockWitness | undefined {
  const r = blocks.get(bytesToHex(viewHash));
  if (r === undefined) return undefined;
  if (r.witness === undefined)
    r.witness = r.keys.length === 0 ? null : createExecutionWitness(r.parentTree, r.keys, r.post);
  return {
    number: r.number,
    parentRoot: r.parentRoot,
    root: r.root,
    keys: r.keys.length,
    witness: r.witness,
  };
}

/** Shape of the verkle tree of a state (leaves = stems, values = present keys). */
export function verkleTreeStats(state: LedgerState): TreeStats & { readonly root: Uint8Array } {
  const t = verkleTreeOf(state);
  return { ...t.stats(), root: t.rootCommitment() };
}
