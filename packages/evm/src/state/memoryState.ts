import { keccak256 } from '@keel/crypto/hashes';
import { bigIntToBytes } from '@keel/util';
import { encodeRLP } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';
import { EMPTY_TRIE_ROOT, trieRoot } from '../trie/trieRoot.ts';
import type { Address } from '../tx/types.ts';
import { addressKey, keyToAddress } from './addressKey.ts';
import type { AccountHeader, AccountInit, WorldState } from './types.ts';

/** keccak256 of the empty string: the code hash of an account without code. */
export const EMPTY_CODE_HASH: Uint8Array = keccak256(new Uint8Array(0));

const EMPTY_CODE = new Uint8Array(0);

interface Account {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  codeHash: Uint8Array | undefined;
  /** Non-zero slots only. */
  storage: Map<bigint, bigint>;
  /** EIP-2200 originals, valid while `origTx` is the current transaction. */
  orig: Map<bigint, bigint> | undefined;
  origTx: number;
}

type Undo = () => void;

function newAccount(): Account {
  return {
    nonce: 0n,
    balance: 0n,
    code: EMPTY_CODE,
    codeHash: EMPTY_CODE_HASH,
    storage: new Map(),
    orig: undefined,
    origTx: -1,
  };
}

function word32(v: bigint): Uint8Array {
  return bigIntToBytes(v, 32);
}

/**
 * The in-memory `WorldState`: accounts in a Map keyed by address, a flat undo journal
 * (a checkpoint is a journal length), and per-transaction sets rebuilt by `beginTx`.
 */
class MemoryWorldState implements WorldState {
  private readonly accounts = new Map<string, Account>();
  private journal: Undo[] = [];
  private txId = 0;
  private warmAddrs = new Set<string>();
  private warmSlots = new Map<string, Set<bigint>>();
  private transient = new Map<string, Map<bigint, bigint>>();
  private touched = new Set<string>();
  private created = new Set<string>();
  private destroyed = new Set<string>();

  private acct(address: Address): Account | undefined {
    return this.accounts.get(addressKey(address));
  }

  /** The account, created (journaled) when absent. */
  private acctOrNew(address: Address): Account {
    const k = addressKey(address);
    let a = this.accounts.get(k);
    if (a === undefined) {
      a = newAccount();
      this.accounts.set(k, a);
      this.journal.push(() => this.accounts.delete(k));
    }
    return a;
  }

  /** Loads an account outside any transaction (genesis / test pre-state); not journaled. */
  load(address: Address, init: AccountInit): void {
    const a = newAccount();
    a.nonce = init.nonce;
    a.balance = init.balance;
    if (init.code.length > 0) {
      a.code = init.code;
      a.codeHash = undefined;
    }
    if (init.storage) for (const [k, v] of init.storage) if (v !== 0n) a.storage.set(k, v);
    this.accounts.set(addressKey(address), a);
  }

  exists(address: Address): boolean {
    return this.accounts.has(addressKey(address));
  }
  isEmpty(address: Address): boolean {
    const a = this.acct(address);
    return a !== undefined && a.nonce === 0n && a.balance === 0n && a.code.length === 0;
  }
  isAlive(address: Address): boolean {
    const a = this.acct(address);
    return a !== undefined && (a.nonce !== 0n || a.balance !== 0n || a.code.length !== 0);
  }
  getAccount(address: Address): AccountHeader | undefined {
    const a = this.acct(address);
    if (a === undefined) return undefined;
    return { nonce: a.nonce, balance: a.balance, codeHash: codeHashOf(a) };
  }
  getNonce(address: Address): bigint {
    return this.acct(address)?.nonce ?? 0n;
  }
  getBalance(address: Address): bigint {
    return this.acct(address)?.balance ?? 0n;
  }
  getCode(address: Address): Uint8Array {
    return this.acct(address)?.code ?? EMPTY_CODE;
  }
  getCodeHash(address: Address): Uint8Array | undefined {
    const a = this.acct(address);
    return a === undefined ? undefined : codeHashOf(a);
  }
  getStorage(address: Address, key: bigint): bigint {
    return this.acct(address)?.storage.get(key) ?? 0n;
  }
  getOriginalStorage(address: Address, key: bigint): bigint {
    const k = addressKey(address);
    // Cancun: in the transaction that creates an account its earlier storage does not count.
    if (this.created.has(k)) return 0n;
    const a = this.accounts.get(k);
    if (a === undefined) return 0n;
    if (a.origTx === this.txId && a.orig !== undefined) {
      const v = a.orig.get(key);
      if (v !== undefined) return v;
    }
    return a.storage.get(key) ?? 0n;
  }
  hasStorage(address: Address): boolean {
    const a = this.acct(address);
    return a !== undefined && a.storage.size > 0;
  }

  ensureAccount(address: Address): void {
    this.acctOrNew(address);
  }
  setNonce(address: Address, nonce: bigint): void {
    const a = this.acctOrNew(address);
    const prev = a.nonce;
    a.nonce = nonce;
    this.journal.push(() => {
      a.nonce = prev;
    });
  }
  setBalance(address: Address, balance: bigint): void {
    const a = this.acctOrNew(address);
    const prev = a.balance;
    a.balance = balance;
    this.journal.push(() => {
      a.balance = prev;
    });
  }
  addBalance(address: Address, amount: bigint): void {
    this.setBalance(address, this.getBalance(address) + amount);
  }
  setCode(address: Address, code: Uint8Array): void {
    const a = this.acctOrNew(address);
    const prevCode = a.code;
    const prevHash = a.codeHash;
    a.code = code.length === 0 ? EMPTY_CODE : code;
    a.codeHash = code.length === 0 ? EMPTY_CODE_HASH : undefined;
    this.journal.push(() => {
      a.code = prevCode;
      a.codeHash = prevHash;
    });
  }
  setStorage(address: Address, key: bigint, value: bigint): void {
    const a = this.acctOrNew(address);
    const prev = a.storage.get(key);
    if (a.origTx !== this.txId || a.orig === undefined) {
      a.orig = new Map();
      a.origTx = this.txId;
    }
    if (!a.orig.has(key)) a.orig.set(key, prev ?? 0n);
    if (value === 0n) a.storage.delete(key);
    else a.storage.set(key, value);
    this.journal.push(() => {
      if (prev === undefined) a.storage.delete(key);
      else a.storage.set(key, prev);
    });
  }
  clearStorage(address: Address): void {
    const a = this.acct(address);
    if (a === undefined || a.storage.size === 0) return;
    const prev = a.storage;
    a.storage = new Map();
    this.journal.push(() => {
      a.storage = prev;
    });
  }
  deleteAccount(address: Address): void {
    const k = addressKey(address);
    const a = this.accounts.get(k);
    if (a === undefined) return;
    this.accounts.delete(k);
    this.journal.push(() => this.accounts.set(k, a));
  }
  touch(address: Address): void {
    this.addToSet(this.touched, addressKey(address));
  }

  getTransient(address: Address, key: bigint): bigint {
    return this.transient.get(addressKey(address))?.get(key) ?? 0n;
  }
  setTransient(address: Address, key: bigint, value: bigint): void {
    const k = addressKey(address);
    let m = this.transient.get(k);
    if (m === undefined) {
      m = new Map();
      this.transient.set(k, m);
    }
    const slots = m;
    const prev = slots.get(key);
    if (value === 0n) slots.delete(key);
    else slots.set(key, value);
    this.journal.push(() => {
      if (prev === undefined) slots.delete(key);
      else slots.set(key, prev);
    });
  }

  warmAddress(address: Address): boolean {
    return !this.addToSet(this.warmAddrs, addressKey(address));
  }
  isWarmAddress(address: Address): boolean {
    return this.warmAddrs.has(addressKey(address));
  }
  warmSlot(address: Address, key: bigint): boolean {
    const k = addressKey(address);
    let s = this.warmSlots.get(k);
    if (s === undefined) {
      s = new Set();
      this.warmSlots.set(k, s);
    }
    if (s.has(key)) return true;
    const slots = s;
    slots.add(key);
    this.journal.push(() => slots.delete(key));
    return false;
  }

  markCreated(address: Address): void {
    this.addToSet(this.created, addressKey(address));
  }
  isCreatedInTx(address: Address): boolean {
    return this.created.has(addressKey(address));
  }
  markDestroyed(address: Address): void {
    this.addToSet(this.destroyed, addressKey(address));
  }

  /** Adds `k` (journaled); returns true when it was not in the set. */
  private addToSet(set: Set<string>, k: string): boolean {
    if (set.has(k)) return false;
    set.add(k);
    this.journal.push(() => set.delete(k));
    return true;
  }

  checkpoint(): number {
    return this.journal.length;
  }
  revert(checkpoint: number): void {
    const j = this.journal;
    while (j.length > checkpoint) (j.pop() as Undo)();
  }
  commit(_checkpoint: number): void {
    // A flat journal: the entries stay so that an enclosing checkpoint can still undo them.
  }

  beginTx(): void {
    this.txId++;
    this.journal = [];
    this.warmAddrs = new Set();
    this.warmSlots = new Map();
    this.transient = new Map();
    this.touched = new Set();
    this.created = new Set();
    this.destroyed = new Set();
  }
  endTx(): void {
    for (const k of this.destroyed) this.accounts.delete(k);
    for (const k of this.touched) {
      const a = this.accounts.get(k);
      if (a !== undefined && a.nonce === 0n && a.balance === 0n && a.code.length === 0) {
        this.accounts.delete(k);
      }
    }
    this.journal = [];
    this.touched = new Set();
    this.destroyed = new Set();
    this.created = new Set();
    this.transient = new Map();
  }

  stateRoot(): Uint8Array {
    const entries: [Uint8Array, Uint8Array][] = [];
    for (const [k, a] of this.accounts) {
      entries.push([
        cached(addressHashes, k, () => keccak256(keyToAddress(k))),
        encodeRLP([
          bigintToRLPBytes(a.nonce),
          bigintToRLPBytes(a.balance),
          storageRoot(a.storage),
          codeHashOf(a),
        ]),
      ]);
    }
    return trieRoot(entries);
  }

  copy(): MemoryWorldState {
    const c = new MemoryWorldState();
    for (const [k, a] of this.accounts) {
      c.accounts.set(k, { ...a, storage: new Map(a.storage), orig: undefined, origTx: -1 });
    }
    return c;
  }

  /** Every account with its storage (for dumps and tests). */
  *entries(): IterableIterator<[Address, AccountInit]> {
    for (const [k, a] of this.accounts) {
      yield [
        keyToAddress(k),
        { nonce: a.nonce, balance: a.balance, code: a.code, storage: a.storage },
      ];
    }
  }
}

/** Code hashes by code array: code is never mutated, and states loaded alike share arrays. */
const codeHashes = new WeakMap<Uint8Array, Uint8Array>();

function codeHashOf(a: Account): Uint8Array {
  if (a.codeHash === undefined) {
    let h = codeHashes.get(a.code);
    if (h === undefined) {
      h = keccak256(a.code);
      codeHashes.set(a.code, h);
    }
    a.codeHash = h;
  }
  return a.codeHash;
}

/** Small caches of secure-trie keys (keccak256 of addresses and slots), cleared when full. */
const CACHE_LIMIT = 1 << 16;
const addressHashes = new Map<string, Uint8Array>();
const slotHashes = new Map<bigint, Uint8Array>();

function cached<K>(cache: Map<K, Uint8Array>, k: K, make: () => Uint8Array): Uint8Array {
  let h = cache.get(k);
  if (h === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    h = make();
    cache.set(k, h);
  }
  return h;
}

function storageRoot(storage: Map<bigint, bigint>): Uint8Array {
  if (storage.size === 0) return EMPTY_TRIE_ROOT;
  const entries: [Uint8Array, Uint8Array][] = [];
  for (const [k, v] of storage) {
    const key = cached(slotHashes, k, () => keccak256(word32(k)));
    entries.push([key, encodeRLP(bigintToRLPBytes(v))]);
  }
  return trieRoot(entries);
}

export type { MemoryWorldState };

/** An in-memory world state, optionally loaded with accounts (outside any transaction). */
export function createMemoryWorldState(
  accounts: Iterable<readonly [Address, AccountInit]> = [],
): MemoryWorldState {
  const s = new MemoryWorldState();
  for (const [address, init] of accounts) s.load(address, init);
  return s;
}
