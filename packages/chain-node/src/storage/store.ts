import type { Block, SafetyState } from '@keel/consensus';
import { bytesToHex } from '@keel/util';
import { open, type RootDatabase } from 'lmdb';
import type { Account, Receipt } from '../app/state.ts';
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
}

export interface CommitRecord {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly info: BlockInfo;
  readonly receipts: readonly Receipt[];
  readonly accounts: ReadonlyMap<string, Account>;
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

  constructor(path: string) {
    this.db = open({ path, compression: false, maxReaders: 64 });
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
      for (const rc of r.receipts) this.db.put(layout.tx(rc.hash), rc);
      for (const [addr, a] of r.accounts) {
        this.db.put(layout.account(addr), {
          balance: a.balance.toString(),
          nonce: a.nonce.toString(),
        });
      }
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

  receipt(hashHex: string): Receipt | null {
    return (this.db.get(layout.tx(hashHex)) as Receipt) ?? null;
  }

  accounts(): [string, Account][] {
    const out: [string, Account][] = [];
    for (const { key, value } of this.db.getRange({
      start: layout.accountPrefix,
      end: `${layout.accountPrefix}~`,
    })) {
      const v = value as { balance: string; nonce: string };
      out.push([
        String(key).slice(layout.accountPrefix.length),
        { balance: BigInt(v.balance), nonce: BigInt(v.nonce) },
      ]);
    }
    return out;
  }

  putAccountsSync(accounts: Iterable<[string, Account]>): void {
    this.db.transactionSync(() => {
      for (const [addr, a] of accounts) {
        this.db.put(layout.account(addr), {
          balance: a.balance.toString(),
          nonce: a.nonce.toString(),
        });
      }
    });
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
