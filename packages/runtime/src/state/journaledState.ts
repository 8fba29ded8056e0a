import { bytesToHex, hexToBytes } from '@keel/util';
import { RuntimeError, RuntimeErrorCode } from '../errors.ts';
import type { Address, Log } from '../types.ts';
import { storageKey } from './memoryBackend.ts';
import type { RuntimeState, StateBackend, StateChanges } from './runtimeState.ts';

/** Marks "no entry" in the overlay (a removed key) as distinct from "not in the overlay". */
const DELETED = null;
type Slot = Uint8Array | typeof DELETED;

interface JournalEntry {
  readonly map: Map<string, Slot> | Map<string, bigint>;
  readonly key: string;
  /** The overlay entry before the write; `undefined` means the key was not in the overlay. */
  readonly prev: Slot | bigint | undefined;
}

/**
 * A journaling `RuntimeState` over any `StateBackend`: one overlay per transaction plus an
 * undo log. A checkpoint remembers the undo log's length; reverting replays the log backwards
 * to it, so reads stay O(1) however deep the frames nest.
 */
export class JournaledState implements RuntimeState {
  private readonly backend: StateBackend;
  private readonly storage = new Map<string, Slot>();
  private readonly transient = new Map<string, Slot>();
  private readonly balances = new Map<string, bigint>();
  private journal: JournalEntry[] = [];
  private txLogs: Log[] = [];
  private readonly frames: { journal: number; logs: number }[] = [];
  private inTx = false;

  constructor(backend: StateBackend) {
    this.backend = backend;
  }

  private requireTx(): void {
    if (!this.inTx) throw new RuntimeError(RuntimeErrorCode.STATE, 'no transaction is open');
  }

  private write<V>(map: Map<string, V>, key: string, value: V): void {
    this.requireTx();
    this.journal.push({
      map: map as JournalEntry['map'],
      key,
      prev: map.get(key) as JournalEntry['prev'],
    });
    map.set(key, value);
  }

  getCode(address: Address): Uint8Array | undefined {
    return this.backend.getCode(address);
  }

  getStorage(address: Address, key: Uint8Array): Uint8Array | undefined {
    const v = this.storage.get(storageKey(address, key));
    if (v === DELETED) return undefined;
    return v ?? this.backend.getStorage(address, key);
  }

  setStorage(address: Address, key: Uint8Array, value: Uint8Array | undefined): void {
    this.write(
      this.storage,
      storageKey(address, key),
      value === undefined ? DELETED : value.slice(),
    );
  }

  getTransient(address: Address, key: Uint8Array): Uint8Array | undefined {
    return this.transient.get(storageKey(address, key)) ?? undefined;
  }

  setTransient(address: Address, key: Uint8Array, value: Uint8Array | undefined): void {
    this.write(
      this.transient,
      storageKey(address, key),
      value === undefined ? DELETED : value.slice(),
    );
  }

  getBalance(address: Address): bigint {
    return this.balances.get(bytesToHex(address)) ?? this.backend.getBalance(address);
  }

  transfer(from: Address, to: Address, amount: bigint): boolean {
    if (amount < 0n) throw new RuntimeError(RuntimeErrorCode.STATE, 'negative transfer amount');
    const fromBal = this.getBalance(from);
    if (fromBal < amount) return false;
    this.write(this.balances, bytesToHex(from), fromBal - amount);
    this.write(this.balances, bytesToHex(to), this.getBalance(to) + amount);
    return true;
  }

  emitLog(log: Log): void {
    this.requireTx();
    this.txLogs.push({
      address: log.address.slice(),
      topics: log.topics.map((t) => t.slice()),
      data: log.data.slice(),
    });
  }

  logs(): readonly Log[] {
    return this.txLogs;
  }

  beginTx(): void {
    if (this.inTx) throw new RuntimeError(RuntimeErrorCode.STATE, 'a transaction is already open');
    this.reset();
    this.inTx = true;
  }

  commitTx(): { logs: readonly Log[] } {
    this.requireTx();
    if (this.frames.length)
      throw new RuntimeError(
        RuntimeErrorCode.STATE,
        `${this.frames.length} frame(s) still open at commit`,
      );
    const changes: StateChanges = {
      storage: [...this.storage].map(([k, v]) => {
        const [a, key] = k.split(':') as [string, string];
        return { address: hexToBytes(a), key: hexToBytes(key), value: v ?? undefined };
      }),
      balances: [...this.balances].map(([a, balance]) => ({ address: hexToBytes(a), balance })),
    };
    this.backend.apply(changes);
    const logs = this.txLogs;
    this.reset();
    return { logs };
  }

  rollbackTx(): void {
    this.reset();
  }

  private reset(): void {
    this.storage.clear();
    this.transient.clear();
    this.balances.clear();
    this.journal = [];
    this.txLogs = [];
    this.frames.length = 0;
    this.inTx = false;
  }

  checkpoint(): number {
    this.requireTx();
    this.frames.push({ journal: this.journal.length, logs: this.txLogs.length });
    return this.frames.length;
  }

  private closeFrame(id: number): { journal: number; logs: number } {
    if (id !== this.frames.length || id === 0) {
      throw new RuntimeError(
        RuntimeErrorCode.STATE,
        `frame ${id} is not the innermost open frame (${this.frames.length})`,
      );
    }
    return this.frames.pop()!;
  }

  commitCheckpoint(id: number): void {
    this.closeFrame(id); // its journal entries stay, so an enclosing revert still undoes them
  }

  /** Reverts frame `id` and closes it, together with any frames still open inside it. */
  revertCheckpoint(id: number): void {
    if (id < 1 || id > this.frames.length) {
      throw new RuntimeError(
        RuntimeErrorCode.STATE,
        `frame ${id} is not open (${this.frames.length} open)`,
      );
    }
    const f = this.frames[id - 1]!;
    this.frames.length = id - 1;
    for (let i = this.journal.length - 1; i >= f.journal; i--) {
      const e = this.journal[i]!;
      const map = e.map as Map<string, unknown>;
      if (e.prev === undefined) map.delete(e.key);
      else map.set(e.key, e.prev);
    }
    this.journal.length = f.journal;
    this.txLogs.length = f.logs;
  }
}
