import { bytesToHex } from '@keel/util';
import type { Address } from '../types.ts';
import type { StateBackend, StateChanges } from './runtimeState.ts';

/** An in-memory `StateBackend` (tests, simulations, the CLI's scratch state). */
export class MemoryStateBackend implements StateBackend {
  private readonly code = new Map<string, Uint8Array>();
  private readonly storage = new Map<string, Uint8Array>();
  private readonly balances = new Map<string, bigint>();

  getCode(address: Address): Uint8Array | undefined {
    return this.code.get(bytesToHex(address));
  }

  setCode(address: Address, code: Uint8Array): void {
    this.code.set(bytesToHex(address), code.slice());
  }

  getStorage(address: Address, key: Uint8Array): Uint8Array | undefined {
    return this.storage.get(storageKey(address, key));
  }

  getBalance(address: Address): bigint {
    return this.balances.get(bytesToHex(address)) ?? 0n;
  }

  setBalance(address: Address, balance: bigint): void {
    this.balances.set(bytesToHex(address), balance);
  }

  apply(changes: StateChanges): void {
    for (const s of changes.storage) {
      const k = storageKey(s.address, s.key);
      if (s.value === undefined) this.storage.delete(k);
      else this.storage.set(k, s.value);
    }
    for (const b of changes.balances) this.balances.set(bytesToHex(b.address), b.balance);
  }

  /** Number of stored storage entries (for tests). */
  get storageSize(): number {
    return this.storage.size;
  }
}

export function storageKey(address: Address, key: Uint8Array): string {
  return `${bytesToHex(address)}:${bytesToHex(key)}`;
}
