import type { KvOp, KvStore } from '@keel/util';
import { concatBytes } from '@keel/util';
import { LedgerState, type StateWrite } from './state/ledgerState.ts';

/**
 * How a node keeps the ledger state in a `KvStore` (LMDB in chain-node): every state key
 * under one prefix byte, value as is. The Merkle tree is rebuilt in memory on load. Other
 * prefixes are the node's; retired prefixes are never reused. The state keys themselves (native
 * accounts, code, storage, validators, and the EVM's accounts/code/storage/block hashes under
 * 0x06..0x09) are listed in `state/keys.ts` and `evm/keys.ts`.
 */
export const STORE_PREFIX = 0x53; // 'S'

export function storeKey(stateKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(STORE_PREFIX), stateKey);
}

/** A block's writes as one atomic batch (put the node's own metadata in the same batch). */
export function stateWritesToKvOps(writes: readonly StateWrite[]): KvOp[] {
  return writes.map((w) => ({ key: storeKey(w.key), value: w.value }));
}

export async function persistStateWrites(
  store: KvStore,
  writes: readonly StateWrite[],
): Promise<void> {
  await store.batch(stateWritesToKvOps(writes));
}

/** Every state entry of `state` (first write of a fresh store, e.g. genesis or a snapshot). */
export function stateToKvOps(state: LedgerState): KvOp[] {
  return [...state.entries()].map(([k, v]) => ({ key: storeKey(k), value: v }));
}

/** Loads the whole state from a store written with the functions above. */
export async function loadStateFromStore(store: KvStore): Promise<LedgerState> {
  const writes: StateWrite[] = [];
  for await (const [k, v] of store.iterate({
    gte: Uint8Array.of(STORE_PREFIX),
    lt: Uint8Array.of(STORE_PREFIX + 1),
  })) {
    writes.push({ key: k.slice(1), value: v });
  }
  return LedgerState.empty().withWrites(writes);
}
