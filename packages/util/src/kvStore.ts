import { bytesToHex, compareBytes, copyBytes, hexToBytes } from './bytes.ts';

/** A put or delete in an atomic batch. `value === undefined` deletes. */
export interface KvOp {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

/**
 * An ordered key-value store. Every implementation (memory, LMDB, LevelDB) passes the same
 * compliance suite. `batch` is atomic: all of it is applied, or none.
 */
export interface KvStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  del(key: Uint8Array): Promise<void>;
  batch(ops: readonly KvOp[]): Promise<void>;
  /** Entries with `gte <= key < lt`, in key order. */
  iterate(range: { gte?: Uint8Array; lt?: Uint8Array }): AsyncIterable<[Uint8Array, Uint8Array]>;
  close(): Promise<void>;
}

/** An in-memory KvStore for tests and simulators. */
export class MemoryKvStore implements KvStore {
  private readonly map = new Map<string, Uint8Array>();

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = this.map.get(bytesToHex(key));
    return v ? copyBytes(v) : undefined;
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.map.set(bytesToHex(key), copyBytes(value));
  }

  async del(key: Uint8Array): Promise<void> {
    this.map.delete(bytesToHex(key));
  }

  async batch(ops: readonly KvOp[]): Promise<void> {
    for (const op of ops) {
      if (op.value === undefined) this.map.delete(bytesToHex(op.key));
      else this.map.set(bytesToHex(op.key), copyBytes(op.value));
    }
  }

  async *iterate(range: {
    gte?: Uint8Array;
    lt?: Uint8Array;
  }): AsyncIterable<[Uint8Array, Uint8Array]> {
    const keys = [...this.map.keys()].map(hexToBytes).sort(compareBytes);
    for (const k of keys) {
      if (range.gte && compareBytes(k, range.gte) < 0) continue;
      if (range.lt && compareBytes(k, range.lt) >= 0) break;
      const v = this.map.get(bytesToHex(k));
      if (v) yield [k, copyBytes(v)];
    }
  }

  async close(): Promise<void> {}
}
