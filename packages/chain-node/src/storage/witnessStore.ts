import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type Database, open, type RootDatabase } from 'lmdb';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';

/** Blocks a verkle execution witness is kept for after commit: 8,192 (≈ 27 h at 12 s). */
export const DEFAULT_WITNESS_RETENTION_BLOCKS = 8192;
const MAX_WITNESS_RETENTION_BLOCKS = 2 ** 40;
/** A stored record inflates to at most this (a 16,384-stem witness is ~5 MB of JSON). */
const MAX_RECORD_JSON_BYTES = 32 * 1024 * 1024;

/** What is kept per block (the RPC's `verkle_getWitness` answer without `source`). */
export interface StoredWitness {
  readonly number: number;
  /** Ethereum block-view hash, hex without 0x. */
  readonly hash: string;
  readonly parentStateRoot: string;
  readonly stateRoot: string;
  readonly keys: number;
  readonly stems: number;
  readonly proofBytes: number;
  readonly witnessBytes: number;
  /** go-verkle JSON, null for a block that touched no EVM state. */
  readonly executionWitness: unknown;
}

/**
 * Verkle execution witnesses of committed blocks, kept for a retention window of blocks and
 * pruned after it (as the blob store). Its own LMDB environment (`<datadir>/witnesses`):
 *
 * | key | value |
 * |---|---|
 * | `w:<height, 12 digits>:<eth block hash hex>` | raw-deflated UTF-8 JSON of a `StoredWitness` |
 * | `e:<eth block hash hex>` | height (decimal string) |
 */
export class WitnessStore {
  private readonly env: RootDatabase;
  private readonly db: Database<Uint8Array, string>;
  private prunedBelow = 0;
  stored = 0;
  storedBytes = 0;

  constructor(
    path: string,
    readonly retentionBlocks = DEFAULT_WITNESS_RETENTION_BLOCKS,
  ) {
    if (
      !Number.isInteger(retentionBlocks) ||
      retentionBlocks < 1 ||
      retentionBlocks > MAX_WITNESS_RETENTION_BLOCKS
    )
      throw new ChainNodeError(
        ChainNodeErrorCode.INVALID_CONFIG,
        `witness retention must be an integer number of blocks in 1..2^40 (got ${retentionBlocks})`,
      );
    this.env = open({ path, compression: false });
    this.db = this.env.openDB<Uint8Array, string>({ name: 'witnesses', encoding: 'binary' });
  }

  async put(w: StoredWitness): Promise<void> {
    const rec = deflateRawSync(new TextEncoder().encode(JSON.stringify(w)), { level: 1 });
    await this.env.transaction(() => {
      this.db.put(`${prefix(w.number)}${w.hash}`, new Uint8Array(rec));
      this.db.put(`e:${w.hash}`, new TextEncoder().encode(String(w.number)));
    });
    this.stored++;
    this.storedBytes += rec.length;
  }

  get(height: number): StoredWitness | null {
    const p = prefix(height);
    let rec: Uint8Array | undefined;
    for (const { value } of this.db.getRange({ start: p, end: `${p}~`, limit: 1 })) rec = value;
    if (!rec) return null;
    try {
      const json = inflateRawSync(rec, { maxOutputLength: MAX_RECORD_JSON_BYTES });
      return JSON.parse(new TextDecoder().decode(json)) as StoredWitness;
    } catch (e) {
      throw new ChainNodeError(
        ChainNodeErrorCode.STORE_CORRUPT,
        `witness of block ${height} undecodable: ${(e as Error).message}`,
      );
    }
  }

  heightOf(ethHash: string): number | null {
    const v = this.db.get(`e:${ethHash}`);
    return v ? Number(new TextDecoder().decode(v)) : null;
  }

  /** The highest height the window has dropped (witnesses at or below it are gone). */
  prunedThrough(tip: number): number {
    return Math.max(0, tip - this.retentionBlocks);
  }

  /** Deletes witnesses of blocks at or below `tip - retentionBlocks`; returns how many. */
  async prune(tip: number): Promise<number> {
    const cutoff = this.prunedThrough(tip);
    if (cutoff < 1 || cutoff < this.prunedBelow) return 0;
    const doomed: string[] = [];
    for (const { key } of this.db.getRange({
      start: prefix(this.prunedBelow),
      end: prefix(cutoff + 1),
    }))
      doomed.push(String(key));
    this.prunedBelow = cutoff + 1;
    if (doomed.length === 0) return 0;
    await this.env.transaction(() => {
      for (const k of doomed) {
        this.db.remove(k);
        this.db.remove(`e:${k.slice(2 + 12 + 1)}`);
      }
    });
    return doomed.length;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}

function prefix(h: number): string {
  return `w:${h.toString().padStart(12, '0')}:`;
}
