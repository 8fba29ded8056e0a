import type { Block, SafetyState } from '@keel/consensus';
import type { EthBlockJSON, ReceiptJSON } from '@keel/ledger';
import type { KvOp, KvStore } from '@keel/util';
import { bytesToHex } from '@keel/util';
import { type Database, open, type RootDatabase } from 'lmdb';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { decodeBlock, decodeSafety, encodeBlock, encodeSafety } from '../net/codec.ts';
import { layout } from './layout.ts';

export interface BlockInfo {
  readonly hash: string;
  readonly stateRoot: string;
  /** Local wall-clock time of the commit (ms). */
  readonly committedAt: number;
  /** The proposer's payload timestamp (ms). */
  readonly timestamp: number;
  readonly txs: readonly string[];
  /** The Ethereum view of the block (RPC form), on chains with the EVM. */
  readonly eth?: EthBlockJSON;
}

/** A stored receipt: the ledger's JSON form plus where the transaction sits. */
export interface StoredReceipt extends ReceiptJSON {
  readonly height: number;
  readonly index: number;
}

export interface CommitRecord {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly info: BlockInfo;
  readonly receipts: readonly StoredReceipt[];
  /** The ledger's state writes (`stateWritesToKvOps`). */
  readonly stateOps: readonly KvOp[];
}

export interface PeerRecord {
  readonly score: number;
  readonly bannedUntil: number;
  readonly updatedAt: number;
}

/**
 * The node's durable state in LMDB. A commit writes the block, its info, receipts, changed
 * accounts and the committed-tip pointer in one synchronous transaction, so a node killed at
 * any point restarts at a committed block whose accounts match its state root.
 */
export class ChainStore {
  private readonly db: RootDatabase;
  /** The ledger's key space (binary keys and values), in the same environment. */
  private readonly stateDb: Database<Uint8Array, Uint8Array>;

  constructor(path: string) {
    this.db = open({ path, compression: false, maxReaders: 64 });
    this.stateDb = this.db.openDB<Uint8Array, Uint8Array>({
      name: 'state',
      keyEncoding: 'binary',
      encoding: 'binary',
    });
  }

  /** A `KvStore` view of the ledger's key space (reads; writes go through `commit`). */
  stateStore(): KvStore {
    const db = this.stateDb;
    const copy = (b: Uint8Array) => new Uint8Array(b);
    return {
      get: async (k) => {
        const v = db.get(k);
        return v ? copy(v) : undefined;
      },
      put: async (k, v) => {
        await db.put(k, v);
      },
      del: async (k) => {
        await db.remove(k);
      },
      batch: async (ops) => {
        await db.transaction(() => {
          for (const op of ops) {
            if (op.value === undefined) db.remove(op.key);
            else db.put(op.key, op.value);
          }
        });
      },
      async *iterate(range) {
        for (const { key, value } of db.getRange({ start: range.gte, end: range.lt })) {
          yield [copy(key as Uint8Array), copy(value)];
        }
      },
      close: async () => {},
    };
  }

  private applyStateOps(ops: readonly KvOp[]): void {
    for (const op of ops) {
      if (op.value === undefined) this.stateDb.remove(op.key);
      else this.stateDb.put(op.key, op.value);
    }
  }

  /** A node started from a verified snapshot: state, the anchor block and the tip pointer. */
  importAnchor(stateOps: readonly KvOp[], block: Block, hashHex: string, root: string): void {
    const h = block.height;
    this.db.transactionSync(() => {
      this.applyStateOps(stateOps);
      this.db.put(layout.block(h), encodeBlock(block));
      this.db.put(layout.info(h), {
        hash: hashHex,
        stateRoot: root,
        committedAt: 0,
        timestamp: 0,
        txs: [],
      } satisfies BlockInfo);
      this.db.put(layout.hash(hashHex), h);
      this.db.put(layout.committed, { height: h, hash: hashHex });
    });
  }

  /** Writes the genesis state once, with the committed pointer at height 0. */
  initGenesis(stateOps: readonly KvOp[], genesisHashHex: string): void {
    this.db.transactionSync(() => {
      this.applyStateOps(stateOps);
      this.db.put(layout.committed, { height: 0, hash: genesisHashHex });
    });
  }

  checkGenesis(genesisHashHex: string): void {
    const stored = this.db.get(layout.genesis) as string | undefined;
    if (stored === undefined) this.db.putSync(layout.genesis, genesisHashHex);
    else if (stored !== genesisHashHex) {
      throw new ChainNodeError(
        ChainNodeErrorCode.INVALID_GENESIS,
        `datadir belongs to genesis ${stored}, not ${genesisHashHex}`,
      );
    }
  }

  committed(): { height: number; hash: string } | null {
    return (this.db.get(layout.committed) as { height: number; hash: string }) ?? null;
  }

  commit(r: CommitRecord): void {
    const h = r.block.height;
    this.db.transactionSync(() => {
      this.db.put(layout.block(h), encodeBlock(r.block));
      this.db.put(layout.info(h), r.info);
      this.db.put(layout.hash(r.info.hash), h);
      if (r.info.eth) this.db.put(layout.ethHash(r.info.eth.hash.slice(2)), h);
      for (const rc of r.receipts) this.db.put(layout.tx(rc.txHash), rc);
      this.applyStateOps(r.stateOps);
      this.db.put(layout.committed, { height: h, hash: bytesToHex(r.hash) });
    });
  }

  block(height: number): Block | null {
    const raw = this.db.get(layout.block(height)) as Uint8Array | undefined;
    if (!raw) return null;
    try {
      return decodeBlock(new Uint8Array(raw));
    } catch (e) {
      throw new ChainNodeError(ChainNodeErrorCode.STORE_CORRUPT, `block ${height} undecodable`, {
        cause: String(e),
      });
    }
  }

  info(height: number): BlockInfo | null {
    return (this.db.get(layout.info(height)) as BlockInfo) ?? null;
  }

  heightOf(hashHex: string): number | null {
    return (this.db.get(layout.hash(hashHex)) as number) ?? null;
  }

  /** The height of the block whose Ethereum view has this hash (hex, no 0x). */
  heightOfEth(hashHex: string): number | null {
    return (this.db.get(layout.ethHash(hashHex)) as number) ?? null;
  }

  receipt(hashHex: string): StoredReceipt | null {
    return (this.db.get(layout.tx(hashHex)) as StoredReceipt) ?? null;
  }

  safety(): SafetyState | undefined {
    const raw = this.db.get(layout.safety) as Uint8Array | undefined;
    return raw ? decodeSafety(new Uint8Array(raw)) : undefined;
  }

  putSafety(s: SafetyState): void {
    this.db.putSync(layout.safety, encodeSafety(s));
  }

  peers(): Map<string, PeerRecord> {
    const out = new Map<string, PeerRecord>();
    for (const { key, value } of this.db.getRange({
      start: layout.peerPrefix,
      end: `${layout.peerPrefix}~`,
    })) {
      out.set(String(key).slice(layout.peerPrefix.length), value as PeerRecord);
    }
    return out;
  }

  putPeers(peers: Iterable<[string, PeerRecord]>): Promise<boolean> {
    return this.db.transaction(() => {
      for (const [id, p] of peers) this.db.put(layout.peer(id), p);
      return true;
    });
  }

  putEvidence(validator: number, view: number, kind: string, value: unknown): void {
    void this.db.put(layout.evidence(validator, view, kind), value);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
