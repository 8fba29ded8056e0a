import { bytesToHex, copyBytes } from '@keel/util';

/**
 * Where a trie keeps its hashed nodes: node hash (keccak256 of the encoding) → encoding.
 * Synchronous on purpose — a trie walk is a chain of dependent reads. A chain backs it with a
 * cache in front of its KvStore (reads prefetched, writes collected and flushed in one batch).
 */
export interface TrieNodeStore {
  get(hash: Uint8Array): Uint8Array | undefined;
  put(hash: Uint8Array, encoded: Uint8Array): void;
}

/** A TrieNodeStore in a Map; `entries()` hands its contents to a KvStore batch. */
export class MemoryTrieNodeStore implements TrieNodeStore {
  private readonly map = new Map<string, Uint8Array>();

  get(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesToHex(hash));
  }

  put(hash: Uint8Array, encoded: Uint8Array): void {
    this.map.set(bytesToHex(hash), copyBytes(encoded));
  }

  get size(): number {
    return this.map.size;
  }

  *entries(): IterableIterator<[string, Uint8Array]> {
    yield* this.map.entries();
  }
}
