import type { Address } from '../tx/types.ts';

/** An account as it enters a state (genesis, a test's `pre`): storage keys and values as words. */
export interface AccountInit {
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly code: Uint8Array;
  readonly storage?: ReadonlyMap<bigint, bigint>;
}

/** The account header the state trie commits to (code by hash). */
export interface AccountHeader {
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly codeHash: Uint8Array;
}

/**
 * The world state the EVM runs against: accounts, storage, a journal of checkpoints, and the
 * per-transaction bookkeeping (EIP-2929 access sets, EIP-1153 transient storage, EIP-2200
 * original values, EIP-161 touched accounts, EIP-6780 created accounts). Every mutator is
 * journaled: `revert(checkpoint)` undoes all of them since that checkpoint. Addresses are 20
 * bytes; storage keys and values are 256-bit words as bigint.
 *
 * `createMemoryWorldState` is the in-memory implementation; a persistent (trie-backed) one for
 * the chain implements the same interface.
 */
export interface WorldState {
  /** True when the account exists (possibly empty). */
  exists(address: Address): boolean;
  /** EIP-161: exists with nonce 0, balance 0 and no code. */
  isEmpty(address: Address): boolean;
  /** Exists and is not empty (EIP-161 "alive"). */
  isAlive(address: Address): boolean;
  getAccount(address: Address): AccountHeader | undefined;
  getNonce(address: Address): bigint;
  getBalance(address: Address): bigint;
  getCode(address: Address): Uint8Array;
  /** keccak256 of the code (of empty code for an account without code); undefined when absent. */
  getCodeHash(address: Address): Uint8Array | undefined;
  getStorage(address: Address, key: bigint): bigint;
  /** The value at the start of the current transaction (EIP-2200 "original"). */
  getOriginalStorage(address: Address, key: bigint): bigint;
  /** True when the account has any non-zero storage slot (EIP-7610 collision check). */
  hasStorage(address: Address): boolean;

  /** Creates the account if absent (nonce 0, balance 0, no code). */
  ensureAccount(address: Address): void;
  setNonce(address: Address, nonce: bigint): void;
  setBalance(address: Address, balance: bigint): void;
  addBalance(address: Address, amount: bigint): void;
  setCode(address: Address, code: Uint8Array): void;
  setStorage(address: Address, key: bigint, value: bigint): void;
  /** Drops all storage of the account (before a CREATE into it). */
  clearStorage(address: Address): void;
  deleteAccount(address: Address): void;
  /** EIP-161: marks the account touched; touched empty accounts are deleted by `endTx`. */
  touch(address: Address): void;

  getTransient(address: Address, key: bigint): bigint;
  setTransient(address: Address, key: bigint, value: bigint): void;

  /** EIP-2929: marks the address warm and returns whether it already was. */
  warmAddress(address: Address): boolean;
  isWarmAddress(address: Address): boolean;
  /** EIP-2929: marks the slot warm and returns whether it already was. */
  warmSlot(address: Address, key: bigint): boolean;

  /** EIP-6780: the account was created in the current transaction. */
  markCreated(address: Address): void;
  isCreatedInTx(address: Address): boolean;
  /** Schedules the account for deletion at `endTx` (SELFDESTRUCT of an account created in this tx). */
  markDestroyed(address: Address): void;

  /** Opens a checkpoint; returns its id for `revert`/`commit`. */
  checkpoint(): number;
  /** Undoes everything done since `checkpoint` (which is then closed). */
  revert(checkpoint: number): void;
  /** Keeps everything done since `checkpoint` (which is then closed). */
  commit(checkpoint: number): void;

  /** Starts a transaction: clears access sets, transient storage, created/destroyed/touched. */
  beginTx(): void;
  /** Ends a transaction: deletes destroyed accounts and touched empty accounts; drops the journal. */
  endTx(): void;

  /** The Merkle-Patricia root of all accounts (committing storage tries). */
  stateRoot(): Uint8Array;

  /** An independent copy of the accounts (between transactions: no journal, no tx sets). */
  copy(): WorldState;
}
