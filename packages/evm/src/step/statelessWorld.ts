import { keccak256 } from '@keel/crypto/hashes';
import { bigIntToBytes, bytesToHex, equalBytes } from '@keel/util';
import { decodeRLP } from '../rlp/decode.ts';
import { encodeRLP } from '../rlp/encode.ts';
import { bigintToRLPBytes, rlpBytes, rlpBytesToBigint, rlpList } from '../rlp/fields.ts';
import { addressKey, keyToAddress } from '../state/addressKey.ts';
import { EMPTY_CODE_HASH } from '../state/memoryState.ts';
import type { AccountHeader, WorldState } from '../state/types.ts';
import type { TrieNodeStore } from '../trie/nodeStore.ts';
import { MerklePatriciaTrie } from '../trie/trie.ts';
import { EMPTY_TRIE_ROOT } from '../trie/trieRoot.ts';
import type { Address } from '../tx/types.ts';
import { StepError, StepErrorCode } from './errors.ts';
import type { StepSnapshot } from './stepState.ts';
import type { StepWorld } from './stepWorld.ts';
import { TxSets } from './txSets.ts';

type Undo = () => void;

/** Where a stateless step finds what the witness holds: trie nodes by hash, code by hash. */
export interface StepWitnessSource {
  readonly store: TrieNodeStore;
  code(hash: Uint8Array): Uint8Array | undefined;
}

interface Acct {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array | undefined;
  /** The storage trie the slots apply to (empty after a clear or for a new account). */
  base: Uint8Array;
  /** Slots read or written, current values. */
  slots: Map<bigint, bigint>;
}

const EMPTY = new Uint8Array(0);
const word32 = (v: bigint): Uint8Array => bigIntToBytes(v, 32);

function witnessMissing(what: string): never {
  throw new StepError(StepErrorCode.WITNESS, `witness lacks ${what}`);
}

/**
 * The world of one stateless step: accounts and slots are read through Merkle-Patricia tries
 * opened on the witness's nodes (a missing node is a WITNESS error), changes stay in an
 * overlay journaled like the in-memory state, and `stateRoot()` writes the overlay into the
 * tries. Checkpoints of frames entered in earlier steps are their snapshots: reverting to one
 * makes the world that snapshot (accounts root and sets hash only), after which the step may
 * not read the world again (nothing in the EVM does: the parent's resume is pure).
 */
export class StatelessWorld implements StepWorld {
  private journal: Undo[] = [];
  readonly sets: TxSets;
  private readonly accounts = new Map<string, Acct | null>();
  private readonly originals = new Map<string, bigint>();
  private readonly marks: { len: number; snap: StepSnapshot; earlier: boolean }[] = [];
  private opaque: StepSnapshot | undefined;

  constructor(
    private readonly root0: Uint8Array,
    private readonly preRoot: Uint8Array,
    private readonly src: StepWitnessSource,
    earlier: readonly StepSnapshot[],
  ) {
    this.sets = new TxSets({ push: (u) => this.journal.push(u) });
    for (const snap of earlier) this.marks.push({ len: 0, snap, earlier: true });
  }

  private live(): void {
    if (this.opaque !== undefined) {
      throw new StepError(
        StepErrorCode.INVALID_ARGUMENT,
        "world read after a revert to an earlier step's checkpoint",
      );
    }
  }

  private readAccount(root: Uint8Array, address: Address): Acct | null {
    if (equalBytes(root, EMPTY_TRIE_ROOT)) return null;
    const t = new MerklePatriciaTrie({ store: this.src.store, root });
    const enc = t.get(keccak256(address));
    if (enc === undefined) return null;
    const f = rlpList(decodeRLP(enc), 'account');
    return {
      nonce: rlpBytesToBigint(rlpBytes(f[0]!, 'nonce'), 'nonce'),
      balance: rlpBytesToBigint(rlpBytes(f[1]!, 'balance'), 'balance'),
      base: rlpBytes(f[2]!, 'storageRoot'),
      codeHash: rlpBytes(f[3]!, 'codeHash'),
      code: undefined,
      slots: new Map(),
    };
  }

  private readSlot(base: Uint8Array, key: bigint): bigint {
    if (equalBytes(base, EMPTY_TRIE_ROOT)) return 0n;
    const t = new MerklePatriciaTrie({ store: this.src.store, root: base });
    const enc = t.get(keccak256(word32(key)));
    return enc === undefined ? 0n : rlpBytesToBigint(rlpBytes(decodeRLP(enc), 'slot'), 'slot');
  }

  private acct(address: Address): Acct | null {
    this.live();
    const k = addressKey(address);
    let a = this.accounts.get(k);
    if (a === undefined) {
      a = this.readAccount(this.root0, address);
      this.accounts.set(k, a);
    }
    return a;
  }

  private acctOrNew(address: Address): Acct {
    const a = this.acct(address);
    if (a !== null) return a;
    const k = addressKey(address);
    const fresh: Acct = {
      nonce: 0n,
      balance: 0n,
      codeHash: EMPTY_CODE_HASH,
      code: EMPTY,
      base: EMPTY_TRIE_ROOT,
      slots: new Map(),
    };
    this.accounts.set(k, fresh);
    this.journal.push(() => this.accounts.set(k, null));
    return fresh;
  }

  exists(address: Address): boolean {
    return this.acct(address) !== null;
  }
  isEmpty(address: Address): boolean {
    const a = this.acct(address);
    return a !== null && isEmptyAcct(a);
  }
  isAlive(address: Address): boolean {
    const a = this.acct(address);
    return a !== null && !isEmptyAcct(a);
  }
  getAccount(address: Address): AccountHeader | undefined {
    const a = this.acct(address);
    return a === null ? undefined : { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash };
  }
  getNonce(address: Address): bigint {
    return this.acct(address)?.nonce ?? 0n;
  }
  getBalance(address: Address): bigint {
    return this.acct(address)?.balance ?? 0n;
  }
  getCode(address: Address): Uint8Array {
    const a = this.acct(address);
    if (a === null) return EMPTY;
    if (a.code === undefined) {
      if (equalBytes(a.codeHash, EMPTY_CODE_HASH)) a.code = EMPTY;
      else a.code = this.src.code(a.codeHash) ?? witnessMissing(`code ${bytesToHex(a.codeHash)}`);
    }
    return a.code;
  }
  getCodeHash(address: Address): Uint8Array | undefined {
    return this.acct(address)?.codeHash;
  }
  getStorage(address: Address, key: bigint): bigint {
    const a = this.acct(address);
    if (a === null) return 0n;
    let v = a.slots.get(key);
    if (v === undefined) {
      v = this.readSlot(a.base, key);
      a.slots.set(key, v);
    }
    return v;
  }
  getOriginalStorage(address: Address, key: bigint): bigint {
    this.live();
    const k = addressKey(address);
    // Cancun: in the transaction that creates an account its earlier storage does not count.
    if (this.sets.created.has(k)) return 0n;
    const ok = `${k}:${key}`;
    let v = this.originals.get(ok);
    if (v === undefined) {
      const a = this.readAccount(this.preRoot, address);
      v = a === null ? 0n : this.readSlot(a.base, key);
      this.originals.set(ok, v);
    }
    return v;
  }
  hasStorage(address: Address): boolean {
    const a = this.acct(address);
    if (a === null) return false;
    for (const v of a.slots.values()) if (v !== 0n) return true;
    return !equalBytes(this.storageRoot(a), EMPTY_TRIE_ROOT);
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
    a.code = code;
    a.codeHash = keccak256(code);
    this.journal.push(() => {
      a.code = prevCode;
      a.codeHash = prevHash;
    });
  }
  setStorage(address: Address, key: bigint, value: bigint): void {
    const prev = this.getStorage(address, key);
    const a = this.acctOrNew(address);
    a.slots.set(key, value);
    this.journal.push(() => a.slots.set(key, prev));
  }
  clearStorage(address: Address): void {
    const a = this.acct(address);
    if (a === null) return;
    const { base, slots } = a;
    a.base = EMPTY_TRIE_ROOT;
    a.slots = new Map();
    this.journal.push(() => {
      a.base = base;
      a.slots = slots;
    });
  }
  deleteAccount(address: Address): void {
    const a = this.acct(address);
    if (a === null) return;
    const k = addressKey(address);
    this.accounts.set(k, null);
    this.journal.push(() => this.accounts.set(k, a));
  }
  touch(address: Address): void {
    this.live();
    this.sets.add(this.sets.touched, addressKey(address));
  }
  getTransient(address: Address, key: bigint): bigint {
    this.live();
    return this.sets.getTransient(addressKey(address), key);
  }
  setTransient(address: Address, key: bigint, value: bigint): void {
    this.live();
    this.sets.setTransient(addressKey(address), key, value);
  }
  warmAddress(address: Address): boolean {
    this.live();
    return !this.sets.add(this.sets.warmAddrs, addressKey(address));
  }
  isWarmAddress(address: Address): boolean {
    this.live();
    return this.sets.warmAddrs.has(addressKey(address));
  }
  warmSlot(address: Address, key: bigint): boolean {
    this.live();
    return this.sets.warmSlot(addressKey(address), key);
  }
  markCreated(address: Address): void {
    this.live();
    this.sets.add(this.sets.created, addressKey(address));
  }
  isCreatedInTx(address: Address): boolean {
    this.live();
    return this.sets.created.has(addressKey(address));
  }
  markDestroyed(address: Address): void {
    this.live();
    this.sets.add(this.sets.destroyed, addressKey(address));
  }

  checkpoint(): number {
    this.live();
    const snap = { accountsRoot: this.stateRoot(), setsHash: this.sets.hash() };
    this.marks.push({ len: this.journal.length, snap, earlier: false });
    return this.marks.length - 1;
  }
  revert(checkpoint: number): void {
    const m = this.marks[checkpoint];
    if (m === undefined) {
      throw new StepError(StepErrorCode.INVALID_ARGUMENT, `unknown checkpoint ${checkpoint}`);
    }
    if (m.earlier) {
      this.opaque = m.snap;
      return;
    }
    const j = this.journal;
    while (j.length > m.len) (j.pop() as Undo)();
  }
  commit(_checkpoint: number): void {
    // A flat journal, as the in-memory state: an enclosing checkpoint can still undo it all.
  }
  beginTx(): void {
    this.live();
    this.sets.clearAll();
    this.journal = [];
  }
  endTx(): void {
    this.live();
    for (const k of this.sets.destroyed) this.accounts.set(k, null);
    for (const k of this.sets.touched) {
      const a = this.acct(keyToAddress(k));
      if (a !== null && isEmptyAcct(a)) this.accounts.set(k, null);
    }
    this.sets.clearAll();
    this.journal = [];
  }

  private storageRoot(a: Acct): Uint8Array {
    if (a.slots.size === 0) return a.base;
    const t = new MerklePatriciaTrie({ store: this.src.store, root: a.base });
    for (const [k, v] of a.slots) {
      t.put(keccak256(word32(k)), v === 0n ? EMPTY : encodeRLP(bigintToRLPBytes(v)));
    }
    return t.root();
  }

  stateRoot(): Uint8Array {
    if (this.opaque !== undefined) return this.opaque.accountsRoot;
    if (this.accounts.size === 0) return this.root0;
    const t = new MerklePatriciaTrie({ store: this.src.store, root: this.root0 });
    for (const [k, a] of this.accounts) {
      const key = keccak256(keyToAddress(k));
      if (a === null) t.del(key);
      else {
        const enc = encodeRLP([
          bigintToRLPBytes(a.nonce),
          bigintToRLPBytes(a.balance),
          this.storageRoot(a),
          a.codeHash,
        ]);
        t.put(key, enc);
      }
    }
    return t.root();
  }

  copy(): WorldState {
    throw new StepError(StepErrorCode.INVALID_ARGUMENT, 'a stateless step world cannot be copied');
  }

  snapshotAt(checkpoint: number): StepSnapshot {
    const m = this.marks[checkpoint];
    if (m === undefined) {
      throw new StepError(StepErrorCode.INVALID_ARGUMENT, `unknown checkpoint ${checkpoint}`);
    }
    return m.snap;
  }
  accountsRoot(): Uint8Array {
    return this.stateRoot();
  }
  setsHash(): Uint8Array {
    return this.opaque !== undefined ? this.opaque.setsHash : this.sets.hash();
  }
}

function isEmptyAcct(a: Acct): boolean {
  return a.nonce === 0n && a.balance === 0n && equalBytes(a.codeHash, EMPTY_CODE_HASH);
}
