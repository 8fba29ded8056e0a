import type { Address } from '@keel/evm';
import { InvalidArgumentError } from '@keel/util';
import { readAccount } from '../state/account.ts';
import { type LedgerState, StateOverlay } from '../state/ledgerState.ts';
import { evmAccountAddress } from './keys.ts';
import { LedgerWorldState } from './worldState.ts';

function check(a: Address): void {
  if (!(a instanceof Uint8Array) || a.length !== 20)
    throw new InvalidArgumentError('an EVM address is 20 bytes');
}

/** Balance and nonce of an EVM address (its ledger account `0x00 × 12 ‖ address`). */
export function getEvmAccount(state: LedgerState, a: Address): { balance: bigint; nonce: bigint } {
  check(a);
  return readAccount(state, evmAccountAddress(a));
}

/** The EVM code at `a` (empty when none). */
export function getEvmCode(state: LedgerState, a: Address): Uint8Array {
  check(a);
  return new LedgerWorldState(new StateOverlay(state)).getCode(a);
}

/** The storage word at (`a`, `slot`). */
export function getEvmStorage(state: LedgerState, a: Address, slot: bigint): bigint {
  check(a);
  return new LedgerWorldState(new StateOverlay(state)).getStorage(a, slot);
}
