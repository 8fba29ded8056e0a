import { sha256 } from '@keel/crypto';
import { InvalidArgumentError } from '@keel/util';
import { type StateProof, verifyProof } from './smt/proof.ts';
import { type Account, readAccount } from './state/account.ts';
import { accountKey, codeKey, storageKey } from './state/keys.ts';
import type { LedgerState } from './state/ledgerState.ts';

function checkAddress(a: Uint8Array): void {
  if (!(a instanceof Uint8Array) || a.length !== 32)
    throw new InvalidArgumentError('address must be 32 bytes');
}

/** The state root (32 bytes). */
export function stateRoot(state: LedgerState): Uint8Array {
  return state.root();
}

/** An account (absent accounts read as balance 0, nonce 0). */
export function getAccount(state: LedgerState, address: Uint8Array): Account {
  checkAddress(address);
  return readAccount(state, address);
}

/** The code of the contract at `address`, if any. */
export function getCode(state: LedgerState, address: Uint8Array): Uint8Array | undefined {
  const h = getAccount(state, address).codeHash;
  return h ? state.get(codeKey(h)) : undefined;
}

export function getStorage(
  state: LedgerState,
  address: Uint8Array,
  key: Uint8Array,
): Uint8Array | undefined {
  checkAddress(address);
  return state.get(storageKey(address, key));
}

/** A value (or its absence) with a proof against `stateRoot(state)`. */
export interface ProvenValue {
  /** The state key the proof is about (its tree key is sha256 of it). */
  readonly stateKey: Uint8Array;
  readonly value: Uint8Array | undefined;
  readonly proof: StateProof;
}

export function getStorageWithProof(
  state: LedgerState,
  address: Uint8Array,
  key: Uint8Array,
): ProvenValue {
  checkAddress(address);
  const k = storageKey(address, key);
  return { stateKey: k, value: state.get(k), proof: state.prove(k) };
}

/** The account record's bytes with a proof (decode with `decodeAccount`). */
export function getAccountWithProof(state: LedgerState, address: Uint8Array): ProvenValue {
  checkAddress(address);
  const k = accountKey(address);
  return { stateKey: k, value: state.get(k), proof: state.prove(k) };
}

/** Verifies a `ProvenValue` against a state root: inclusion, or non-inclusion when value is undefined. */
export function verifyStateProof(root: Uint8Array, p: ProvenValue): boolean {
  return verifyProof(root, sha256(p.stateKey), p.value, p.proof);
}
