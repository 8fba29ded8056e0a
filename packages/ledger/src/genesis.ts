import { bytesToHex, utf8ToBytes } from '@keel/util';
import { LedgerError, LedgerErrorCode } from './errors.ts';
import type { Ledger } from './ledger.ts';
import { readAccount, writeAccount } from './state/account.ts';
import { META_CHAIN_ID } from './state/keys.ts';
import { LedgerState, StateOverlay } from './state/ledgerState.ts';
import { MAX_U128 } from './tx/encoding.ts';

export interface GenesisValidator {
  /**
   * The staking account (an ed25519 public key). Defaults to `vrfPublicKey`: a validator that
   * derives its ECVRF and account keys from one ed25519 seed has that address.
   */
  readonly address?: Uint8Array;
  readonly stake: bigint;
  readonly blsPublicKey: Uint8Array;
  readonly blsPop: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
}

export interface GenesisConfig {
  readonly chainId: string;
  readonly balances: readonly { readonly address: Uint8Array; readonly amount: bigint }[];
  /** Their stake is created, not taken from `balances`. */
  readonly validators: readonly GenesisValidator[];
}

function bad(message: string): LedgerError {
  return new LedgerError(LedgerErrorCode.INVALID_GENESIS, message);
}

/**
 * The genesis state: chain id, balances and validators (each proof of possession verified).
 * Deterministic: the same config gives the same root in any order of entries.
 */
export function createGenesisState(
  ledger: Ledger,
  config: GenesisConfig,
): { state: LedgerState; stateRoot: Uint8Array } {
  if (!/^[\x21-\x7e]{1,32}$/.test(config.chainId))
    throw bad('chainId must be 1..32 printable ASCII characters');
  if (config.validators.length === 0) throw bad('genesis needs at least one validator');
  const overlay = new StateOverlay(LedgerState.empty());
  overlay.set(META_CHAIN_ID, utf8ToBytes(config.chainId));
  for (const [i, b] of config.balances.entries()) {
    if (!(b.address instanceof Uint8Array) || b.address.length !== 32)
      throw bad(`balances[${i}].address must be 32 bytes`);
    const a = readAccount(overlay, b.address);
    const balance = a.balance + b.amount;
    if (b.amount < 0n || balance > MAX_U128) throw bad(`balances[${i}].amount out of range`);
    writeAccount(overlay, b.address, { ...a, balance });
  }
  for (const [i, g] of config.validators.entries()) {
    const v = { ...g, address: g.address ?? g.vrfPublicKey };
    if (!(v.address instanceof Uint8Array) || v.address.length !== 32)
      throw bad(`validators[${i}].address must be 32 bytes`);
    if (!(v.blsPublicKey instanceof Uint8Array) || v.blsPublicKey.length !== 48)
      throw bad(`validators[${i}].blsPublicKey must be 48 bytes`);
    if (!(v.blsPop instanceof Uint8Array) || v.blsPop.length !== 96)
      throw bad(`validators[${i}].blsPop must be 96 bytes`);
    if (!(v.vrfPublicKey instanceof Uint8Array) || v.vrfPublicKey.length !== 32)
      throw bad(`validators[${i}].vrfPublicKey must be 32 bytes`);
    const err = ledger.stakeAtGenesis(overlay, {
      address: v.address,
      amount: v.stake,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    });
    if (err) throw bad(`validators[${i}] (${bytesToHex(v.address)}): ${err}`);
  }
  // No account can ever exceed u128 if the whole supply fits in it (fees only burn or move).
  const supply =
    config.balances.reduce((t, b) => t + b.amount, 0n) +
    config.validators.reduce((t, v) => t + v.stake, 0n);
  if (supply > MAX_U128) throw bad(`total supply ${supply} exceeds u128`);
  const state = overlay.commit();
  return { state, stateRoot: state.root() };
}

/** The chain id recorded in a state (undefined before genesis). */
export function chainIdOf(state: LedgerState): string | undefined {
  const b = state.get(META_CHAIN_ID);
  return b ? new TextDecoder().decode(b) : undefined;
}
