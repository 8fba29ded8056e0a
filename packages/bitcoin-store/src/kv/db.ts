import { mkdirSync } from 'node:fs';
import type { KvOp } from '@keel/util';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb, type RootDatabase } from 'lmdb';
import { ChainstateError } from '../errors.ts';

/** The embedded stores the chainstate can run on (see README "Why LMDB"). */
export type ChainstateBackend = 'lmdb' | 'leveldb';

/**
 * What the chainstate needs from an embedded key-value store: synchronous point reads (block
 * connection is synchronous, so a cache miss falls through to the store in place), atomic
 * batches (the tip and the coins of a flush commit together) and ordered range reads.
 */
export interface ChainstateDb {
  readonly backend: ChainstateBackend;
  getSync(key: Uint8Array): Uint8Array | undefined;
  /** Applies every op or none. */
  write(ops: readonly KvOp[]): Promise<void>;
  /** Entries with gte <= key < lt, in key order. */
  range(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]>;
  close(): Promise<void>;
}

export async function openChainstateDb(
  path: string,
  backend: ChainstateBackend,
): Promise<ChainstateDb> {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new ChainstateError(`cannot create ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
  return backend === 'lmdb' ? openLmdbDb(path) : openLevelDb(path);
}

function openLmdbDb(path: string): ChainstateDb {
  let db: RootDatabase<Buffer, Buffer>;
  try {
    // binary keys and values; default durability (each commit synced before it returns)
    db = openLmdb<Buffer, Buffer>({ path, keyEncoding: 'binary', encoding: 'binary' });
  } catch (e) {
    throw new ChainstateError(`cannot open LMDB at ${path}: ${(e as Error).message}`);
  }
  const buf = (k: Uint8Array) => Buffer.from(k.buffer, k.byteOffset, k.byteLength);
  return {
    backend: 'lmdb',
    getSync(key) {
      const v = db.getBinary(buf(key));
      return v === undefined ? undefined : new Uint8Array(v);
    },
    async write(ops) {
      db.transactionSync(() => {
        for (const op of ops) {
          if (op.value === undefined) db.removeSync(buf(op.key));
          else db.putSync(buf(op.key), buf(op.value));
        }
      });
    },
    async *range(gte, lt) {
      for (const { key, value } of db.getRange({ start: buf(gte), end: buf(lt) })) {
        yield [new Uint8Array(key as Buffer), new Uint8Array(value)];
      }
    },
    async close() {
      await db.close();
    },
  };
}

async function openLevelDb(path: string): Promise<ChainstateDb> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
    keyEncoding: 'view',
    valueEncoding: 'view',
  });
  try {
    await db.open();
  } catch (e) {
    throw new ChainstateError(`cannot open LevelDB at ${path}: ${(e as Error).message}`);
  }
  return {
    backend: 'leveldb',
    getSync(key) {
      const v = db.getSync(key);
      return v === undefined ? undefined : plain(v);
    },
    async write(ops) {
      await db.batch(
        ops.map((op) =>
          op.value === undefined
            ? { type: 'del' as const, key: op.key }
            : { type: 'put' as const, key: op.key, value: op.value },
        ),
        // a flush is the unit of crash safety: make it durable before it counts
        { sync: true },
      );
    },
    async *range(gte, lt) {
      for await (const [k, v] of db.iterator({ gte, lt })) yield [plain(k), plain(v)];
    },
    async close() {
      await db.close();
    },
  };
}

/** classic-level's 'view' encoding hands out Buffers; callers compare plain Uint8Arrays. */
function plain(b: Uint8Array): Uint8Array {
  return Buffer.isBuffer(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}
