import type { Address, Log } from '../types.ts';

/**
 * Everything a contract call reads and writes. Reads see all writes of the current
 * transaction that have not been reverted. Checkpoints nest like call frames: a frame's
 * writes, transient writes, logs and transfers become part of its parent when the frame
 * commits, and vanish when it reverts. A transaction commits atomically or not at all.
 */
export interface RuntimeState {
  getCode(address: Address): Uint8Array | undefined;
  getStorage(address: Address, key: Uint8Array): Uint8Array | undefined;
  /** `undefined` removes the key. */
  setStorage(address: Address, key: Uint8Array, value: Uint8Array | undefined): void;
  /** EIP-1153 transient storage: journaled like storage, cleared at the end of every transaction. */
  getTransient(address: Address, key: Uint8Array): Uint8Array | undefined;
  setTransient(address: Address, key: Uint8Array, value: Uint8Array | undefined): void;
  getBalance(address: Address): bigint;
  /** Moves `amount`; returns false and changes nothing when `from` holds less. */
  transfer(from: Address, to: Address, amount: bigint): boolean;
  emitLog(log: Log): void;
  /** Logs of the current transaction so far (including open frames). */
  logs(): readonly Log[];

  beginTx(): void;
  /** Applies every change of the transaction; returns its logs. No frame may be open. */
  commitTx(): { logs: readonly Log[] };
  rollbackTx(): void;
  /** Opens a frame and returns its id (ids are depths, frames close innermost first). */
  checkpoint(): number;
  commitCheckpoint(id: number): void;
  /** Reverts frame `id` and closes it, with any frames still open inside it. */
  revertCheckpoint(id: number): void;
}

/** The committed state under a journal: what the ledger implements over its state store. */
export interface StateBackend {
  getCode(address: Address): Uint8Array | undefined;
  getStorage(address: Address, key: Uint8Array): Uint8Array | undefined;
  getBalance(address: Address): bigint;
  /** Applies one committed transaction's net changes, atomically. */
  apply(changes: StateChanges): void;
}

export interface StateChanges {
  readonly storage: readonly { address: Address; key: Uint8Array; value: Uint8Array | undefined }[];
  readonly balances: readonly { address: Address; balance: bigint }[];
}
