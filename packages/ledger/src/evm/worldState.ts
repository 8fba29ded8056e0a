import { keccak256 } from '@keel/crypto/hashes';
import { type AccountHeader, type Address, bigintToRLPBytes, type WorldState } from '@keel/evm';
import { bytesToBigInt, bytesToHex, equalBytes } from '@keel/util';
import { LedgerError, LedgerErrorCode } from '../errors.ts';
import { readAccount, writeAccount } from '../state/account.ts';
import { accountKey } from '../state/keys.ts';
import { StateOverlay } from '../state/ledgerState.ts';
import {
  decodeEvmAccount,
  type EvmAccountRecord,
  encodeEvmAccount,
  evmAccountAddress,
  evmAccountKey,
  evmCodeKey,
  evmStorageKey,
} from './keys.ts';
import type { VerkleAccessRecorder } from './verkleState.ts';

export const EMPTY_CODE_HASH: Uint8Array = keccak256(new Uint8Array(0));
const EMPTY = new Uint8Array(0);

type Undo = () => void;
const hex = (a: Uint8Array) => bytesToHex(a);

/**
 * `@keel/evm`'s `WorldState` over the ledger's `StateOverlay`: every read and write goes to
 * the ledger's keys (`evm/keys.ts`), so EVM effects land in the same committed state, root
 * and proofs as the native ones. Checkpoints are overlay marks (the overlay's undo log) plus a
 * journal of the per-transaction sets (access lists, transient storage, touched/created).
 *
 * `alias` maps one EVM address to another ledger account: the block's coinbase to the
 * proposer's 32-byte fee account, so priority fees reach it.
 */
export class LedgerWorldState implements WorldState {
  private journal: Undo[] = [];
  private readonly marks: { overlay: number; journal: number }[] = [];
  private warmAddrs = new Set<string>();
  private warmSlots = new Set<string>();
  private transient = new Map<string, bigint>();
  private touched = new Map<string, Address>();
  private created = new Set<string>();
  private destroyed = new Map<string, Address>();
  /** EIP-2200 originals of the slots written in this transaction. */
  private original = new Map<string, bigint>();
  /** Slots written in this transaction, per address (to clear a destroyed account). */
  private written = new Map<string, Set<bigint>>();

  constructor(
    readonly overlay: StateOverlay,
    private readonly alias?: { readonly evm: Address; readonly account: Uint8Array },
    /** Verkle chains: records the keys the execution reads (the block witness's key set). */
    private readonly access?: VerkleAccessRecorder,
  ) {}

  private accountId(a: Address): Uint8Array {
    if (this.alias && equalBytes(a, this.alias.evm)) return this.alias.account;
    return evmAccountAddress(a);
  }

  private record(a: Address): EvmAccountRecord | undefined {
    const b = this.overlay.get(evmAccountKey(a));
    return b ? decodeEvmAccount(b) : undefined;
  }

  private setRecord(a: Address, r: EvmAccountRecord | undefined): void {
    this.overlay.set(evmAccountKey(a), r ? encodeEvmAccount(r) : undefined);
  }

  exists(a: Address): boolean {
    this.access?.account(a);
    return (
      this.record(a) !== undefined || this.overlay.get(accountKey(this.accountId(a))) !== undefined
    );
  }
  isEmpty(a: Address): boolean {
    return this.exists(a) && !this.nonEmpty(a);
  }
  isAlive(a: Address): boolean {
    return this.exists(a) && this.nonEmpty(a);
  }
  private nonEmpty(a: Address): boolean {
    const acct = readAccount(this.overlay, this.accountId(a));
    if (acct.nonce !== 0n || acct.balance !== 0n) return true;
    const r = this.record(a);
    return r !== undefined && !equalBytes(r.codeHash, EMPTY_CODE_HASH);
  }
  getAccount(a: Address): AccountHeader | undefined {
    if (!this.exists(a)) return undefined;
    const acct = readAccount(this.overlay, this.accountId(a));
    return { nonce: acct.nonce, balance: acct.balance, codeHash: this.codeHashOf(a) };
  }
  getNonce(a: Address): bigint {
    this.access?.account(a);
    return readAccount(this.overlay, this.accountId(a)).nonce;
  }
  getBalance(a: Address): bigint {
    this.access?.account(a);
    return readAccount(this.overlay, this.accountId(a)).balance;
  }
  private codeHashOf(a: Address): Uint8Array {
    return this.record(a)?.codeHash ?? EMPTY_CODE_HASH;
  }
  getCode(a: Address): Uint8Array {
    const r = this.record(a);
    if (!r || equalBytes(r.codeHash, EMPTY_CODE_HASH)) return EMPTY;
    const code = this.overlay.get(evmCodeKey(r.codeHash));
    if (!code)
      throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `EVM code ${hex(r.codeHash)} missing`);
    this.access?.code(a, code);
    return code;
  }
  getCodeHash(a: Address): Uint8Array | undefined {
    return this.exists(a) ? this.codeHashOf(a) : undefined;
  }
  getStorage(a: Address, key: bigint): bigint {
    this.access?.storage(a, key);
    const b = this.overlay.get(evmStorageKey(a, key));
    return b ? bytesToBigInt(b) : 0n;
  }
  getOriginalStorage(a: Address, key: bigint): bigint {
    if (this.created.has(hex(a))) return 0n;
    const o = this.original.get(`${hex(a)}:${key}`);
    return o ?? this.getStorage(a, key);
  }
  hasStorage(a: Address): boolean {
    return (this.record(a)?.slots ?? 0n) > 0n;
  }

  ensureAccount(a: Address): void {
    if (!this.record(a)) this.setRecord(a, { codeHash: EMPTY_CODE_HASH, slots: 0n });
  }
  setNonce(a: Address, nonce: bigint): void {
    this.ensureAccount(a);
    const id = this.accountId(a);
    writeAccount(this.overlay, id, { ...readAccount(this.overlay, id), nonce });
  }
  setBalance(a: Address, balance: bigint): void {
    this.ensureAccount(a);
    const id = this.accountId(a);
    writeAccount(this.overlay, id, { ...readAccount(this.overlay, id), balance });
  }
  addBalance(a: Address, amount: bigint): void {
    this.setBalance(a, this.getBalance(a) + amount);
  }
  setCode(a: Address, code: Uint8Array): void {
    const r = this.record(a) ?? { codeHash: EMPTY_CODE_HASH, slots: 0n };
    const codeHash = code.length === 0 ? EMPTY_CODE_HASH : keccak256(code);
    if (code.length > 0 && !this.overlay.get(evmCodeKey(codeHash)))
      this.overlay.set(evmCodeKey(codeHash), code.slice());
    this.setRecord(a, { ...r, codeHash });
  }
  setStorage(a: Address, key: bigint, value: bigint): void {
    const prev = this.getStorage(a, key);
    const k = `${hex(a)}:${key}`;
    if (!this.original.has(k)) this.original.set(k, prev);
    const ak = hex(a);
    let w = this.written.get(ak);
    if (!w) this.written.set(ak, (w = new Set()));
    w.add(key);
    if (prev === value) return;
    const r = this.record(a) ?? { codeHash: EMPTY_CODE_HASH, slots: 0n };
    const slots = r.slots + (prev === 0n ? 1n : 0n) - (value === 0n ? 1n : 0n);
    this.setRecord(a, { ...r, slots });
    this.overlay.set(evmStorageKey(a, key), value === 0n ? undefined : bigintToRLPBytes(value));
  }
  clearStorage(a: Address): void {
    // Only reached for a CREATE target, after the EIP-7610 check found no storage: every slot
    // it could hold was written in this transaction.
    for (const key of this.written.get(hex(a)) ?? []) this.setStorage(a, key, 0n);
  }
  deleteAccount(a: Address): void {
    this.clearStorage(a);
    if (this.hasStorage(a))
      throw new LedgerError(
        LedgerErrorCode.CORRUPT_STATE,
        `deleting EVM account ${hex(a)} with storage written before this transaction`,
      );
    this.setRecord(a, undefined);
    const id = this.accountId(a);
    const acct = readAccount(this.overlay, id);
    writeAccount(this.overlay, id, { ...acct, balance: 0n, nonce: 0n });
  }
  touch(a: Address): void {
    const k = hex(a);
    if (this.touched.has(k)) return;
    this.touched.set(k, a.slice());
    this.journal.push(() => this.touched.delete(k));
  }

  getTransient(a: Address, key: bigint): bigint {
    return this.transient.get(`${hex(a)}:${key}`) ?? 0n;
  }
  setTransient(a: Address, key: bigint, value: bigint): void {
    const k = `${hex(a)}:${key}`;
    const prev = this.transient.get(k);
    if (value === 0n) this.transient.delete(k);
    else this.transient.set(k, value);
    this.journal.push(() => {
      if (prev === undefined) this.transient.delete(k);
      else this.transient.set(k, prev);
    });
  }

  warmAddress(a: Address): boolean {
    return !this.addToSet(this.warmAddrs, hex(a));
  }
  isWarmAddress(a: Address): boolean {
    return this.warmAddrs.has(hex(a));
  }
  warmSlot(a: Address, key: bigint): boolean {
    return !this.addToSet(this.warmSlots, `${hex(a)}:${key}`);
  }
  markCreated(a: Address): void {
    this.addToSet(this.created, hex(a));
  }
  isCreatedInTx(a: Address): boolean {
    return this.created.has(hex(a));
  }
  markDestroyed(a: Address): void {
    const k = hex(a);
    if (this.destroyed.has(k)) return;
    this.destroyed.set(k, a.slice());
    this.journal.push(() => this.destroyed.delete(k));
  }

  private addToSet(set: Set<string>, k: string): boolean {
    if (set.has(k)) return false;
    set.add(k);
    this.journal.push(() => set.delete(k));
    return true;
  }

  checkpoint(): number {
    this.marks.push({ overlay: this.overlay.mark(), journal: this.journal.length });
    return this.marks.length - 1;
  }
  revert(checkpoint: number): void {
    const m = this.marks[checkpoint];
    if (!m) return;
    this.marks.length = checkpoint;
    this.overlay.rollback(m.overlay);
    while (this.journal.length > m.journal) (this.journal.pop() as Undo)();
  }
  commit(checkpoint: number): void {
    if (checkpoint < this.marks.length) this.marks.length = checkpoint;
  }

  beginTx(): void {
    this.journal = [];
    this.marks.length = 0;
    this.warmAddrs = new Set();
    this.warmSlots = new Set();
    this.transient = new Map();
    this.touched = new Map();
    this.created = new Set();
    this.destroyed = new Map();
    this.original = new Map();
    this.written = new Map();
  }
  endTx(): void {
    for (const a of this.destroyed.values()) this.deleteAccount(a);
    for (const a of this.touched.values()) if (this.isEmpty(a)) this.deleteAccount(a);
    this.beginTx();
  }

  copy(): WorldState {
    return new LedgerWorldState(new StateOverlay(this.overlay.commit()), this.alias);
  }

  stateRoot(): Uint8Array {
    // The ledger commits the EVM inside its own sparse Merkle root (`LedgerState.root()`).
    return this.overlay.commit().root();
  }
}
