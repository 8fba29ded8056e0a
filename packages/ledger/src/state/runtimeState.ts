import { JournaledState, type StateBackend, type StateChanges } from '@keel/runtime';
import { readAccount, writeAccount } from './account.ts';
import { codeKey, storageKey } from './keys.ts';
import type { StateOverlay } from './ledgerState.ts';

/** The runtime's committed-state view over the ledger's state overlay. */
export class LedgerStateBackend implements StateBackend {
  constructor(private readonly overlay: StateOverlay) {}

  getCode(address: Uint8Array): Uint8Array | undefined {
    const hash = readAccount(this.overlay, address).codeHash;
    return hash ? this.overlay.get(codeKey(hash)) : undefined;
  }

  getStorage(address: Uint8Array, key: Uint8Array): Uint8Array | undefined {
    return this.overlay.get(storageKey(address, key));
  }

  getBalance(address: Uint8Array): bigint {
    return readAccount(this.overlay, address).balance;
  }

  apply(changes: StateChanges): void {
    for (const s of changes.storage) this.overlay.set(storageKey(s.address, s.key), s.value);
    for (const b of changes.balances) {
      writeAccount(this.overlay, b.address, {
        ...readAccount(this.overlay, b.address),
        balance: b.balance,
      });
    }
  }
}

/**
 * The runtime's `RuntimeState` over the ledger state: a `JournaledState` (per-frame
 * checkpoints, transient storage, logs) whose committed layer is the ledger's overlay, so a
 * transaction's contract effects land in the block's state only when it commits.
 */
export class LedgerRuntimeState extends JournaledState {
  constructor(overlay: StateOverlay) {
    super(new LedgerStateBackend(overlay));
  }
}
