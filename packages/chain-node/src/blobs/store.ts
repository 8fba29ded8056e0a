import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { BufferReader, BufferWriter, bytesToHex, DecodeError, DecodeErrorCode } from '@keel/util';
import { type Database, open, type RootDatabase } from 'lmdb';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import type { BlobSidecar } from './pool.ts';

const BYTES_PER_BLOB = 131_072;
/** Blocks a committed sidecar is kept for: 131,072 (≈ 18 days of Ethereum's 12 s slots). */
export const DEFAULT_BLOB_RETENTION_BLOCKS = 131_072;
const MAX_BLOB_RETENTION_BLOCKS = 2 ** 40;
const MAX_BLOBS_PER_TX = 6;

/**
 * Blob storage: sidecars of committed blob transactions, kept for a retention window of
 * blocks and pruned after it. Its own LMDB environment (`<datadir>/blobs`), binary values:
 *
 * | key | value |
 * |---|---|
 * | `s:<height, 12 digits>:<tx hash hex>` | sidecar record (below) |
 * | `t:<tx hash hex>` | height (decimal string) |
 *
 * Record: `u8 flags (bit 0: blobs deflated) ‖ u8 n ‖ n × (versioned hash 32 ‖ commitment 48 ‖
 * proof 48) ‖ blobs` — the n blobs (n × 128 KiB) raw, or raw-deflated when that saves at
 * least 1/16 (real rollup data is often compressed already; zero padding is not).
 * Reads go through an LRU cache of decoded sidecars.
 */
export class BlobStore {
  private readonly env: RootDatabase;
  private readonly db: Database<Uint8Array, string>;
  private readonly cache = new Map<string, BlobSidecar>();
  /** Bytes of blobs given to `put` and bytes written for them (the compression ratio). */
  rawBytes = 0;
  storedBytes = 0;
  stored = 0;

  constructor(
    path: string,
    readonly retentionBlocks = DEFAULT_BLOB_RETENTION_BLOCKS,
    private readonly cacheSize = 32,
  ) {
    if (
      !Number.isInteger(retentionBlocks) ||
      retentionBlocks < 1 ||
      retentionBlocks > MAX_BLOB_RETENTION_BLOCKS
    )
      throw new ChainNodeError(
        ChainNodeErrorCode.INVALID_CONFIG,
        `blob retention must be an integer number of blocks in 1..2^40 (got ${retentionBlocks})`,
      );
    this.env = open({ path, compression: false });
    this.db = this.env.openDB<Uint8Array, string>({ name: 'blobs', encoding: 'binary' });
  }

  /** Stores the sidecars of the blob transactions committed at `height`. */
  async put(height: number, sidecars: readonly BlobSidecar[]): Promise<void> {
    if (sidecars.length === 0) return;
    await this.env.transaction(() => {
      for (const s of sidecars) {
        const rec = encodeRecord(s);
        this.rawBytes += s.blobs.length * BYTES_PER_BLOB;
        this.storedBytes += rec.length - 2 - 128 * s.blobs.length;
        this.stored++;
        this.db.put(sideKey(height, s.txHash), rec);
        this.db.put(`t:${s.txHash}`, new TextEncoder().encode(String(height)));
      }
    });
  }

  heightOf(txHash: string): number | null {
    const v = this.db.get(`t:${txHash}`);
    return v ? Number(new TextDecoder().decode(v)) : null;
  }

  get(txHash: string): BlobSidecar | null {
    const hit = this.cache.get(txHash);
    if (hit) {
      this.cache.delete(txHash);
      this.cache.set(txHash, hit);
      return hit;
    }
    const h = this.heightOf(txHash);
    if (h === null) return null;
    const rec = this.db.get(sideKey(h, txHash));
    if (!rec) return null;
    const s = decodeRecord(txHash, new Uint8Array(rec));
    this.cache.set(txHash, s);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return s;
  }

  /** The sidecars of the block at `height`, in key (tx hash) order. */
  byBlock(height: number): BlobSidecar[] {
    const prefix = `s:${pad(height)}:`;
    const out: BlobSidecar[] = [];
    for (const { key } of this.db.getRange({ start: prefix, end: `${prefix}~` })) {
      const s = this.get(String(key).slice(prefix.length));
      if (s) out.push(s);
    }
    return out;
  }

  /** Deletes sidecars of blocks older than `tip - retentionBlocks`; returns how many. */
  async prune(tip: number): Promise<number> {
    const cutoff = tip - this.retentionBlocks;
    if (cutoff <= 0) return 0;
    const doomed: string[] = [];
    for (const { key } of this.db.getRange({ start: 's:', end: `s:${pad(cutoff)}` })) {
      doomed.push(String(key));
    }
    if (doomed.length === 0) return 0;
    // prunes after consecutive commits can overlap: count only what this one deletes
    let removed = 0;
    await this.env.transaction(() => {
      for (const k of doomed) {
        if (this.db.get(k) === undefined) continue;
        const tx = k.slice(2 + 12 + 1);
        this.db.remove(k);
        this.db.remove(`t:${tx}`);
        this.cache.delete(tx);
        removed++;
      }
    });
    return removed;
  }

  async close(): Promise<void> {
    await this.env.close();
  }
}

function pad(h: number): string {
  return h.toString().padStart(12, '0');
}

function sideKey(height: number, txHash: string): string {
  return `s:${pad(height)}:${txHash}`;
}

/** The record format above (exported for the compression measurement). */
export function encodeRecord(s: BlobSidecar): Uint8Array {
  const n = s.blobs.length;
  const raw = new Uint8Array(n * BYTES_PER_BLOB);
  for (let i = 0; i < n; i++) raw.set(s.blobs[i]!, i * BYTES_PER_BLOB);
  const deflated = deflateRawSync(raw, { level: 1 });
  const compress = deflated.length < raw.length - raw.length / 16;
  const body = compress ? new Uint8Array(deflated) : raw;
  const w = new BufferWriter(2 + n * 128 + body.length);
  w.u8(compress ? 1 : 0).u8(n);
  for (let i = 0; i < n; i++) {
    w.bytes(s.versionedHashes[i]!).bytes(s.commitments[i]!).bytes(s.proofs[i]!);
  }
  w.bytes(body);
  return w.finish();
}

export function decodeRecord(txHash: string, rec: Uint8Array): BlobSidecar {
  try {
    const r = new BufferReader(rec);
    const flags = r.u8();
    const n = r.u8();
    if (n === 0 || n > MAX_BLOBS_PER_TX)
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `sidecar of ${n} blobs`);
    const versionedHashes: Uint8Array[] = [];
    const commitments: Uint8Array[] = [];
    const proofs: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      versionedHashes.push(r.copyBytes(32, 'versioned hash'));
      commitments.push(r.copyBytes(48, 'commitment'));
      proofs.push(r.copyBytes(48, 'proof'));
    }
    const body = r.copyBytes(r.remaining, 'blobs');
    const raw =
      flags & 1
        ? new Uint8Array(inflateRawSync(body, { maxOutputLength: n * BYTES_PER_BLOB }))
        : body;
    if (raw.length !== n * BYTES_PER_BLOB)
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `blobs of ${raw.length} bytes`);
    const blobs = Array.from({ length: n }, (_, i) =>
      raw.slice(i * BYTES_PER_BLOB, (i + 1) * BYTES_PER_BLOB),
    );
    return { txHash, versionedHashes, commitments, proofs, blobs };
  } catch (e) {
    throw new ChainNodeError(
      ChainNodeErrorCode.STORE_CORRUPT,
      `blob sidecar ${txHash} undecodable: ${(e as Error).message}`,
    );
  }
}

export function sidecarToJSON(s: BlobSidecar): unknown[] {
  return s.blobs.map((b, i) => ({
    transactionHash: `0x${s.txHash}`,
    index: `0x${i.toString(16)}`,
    versionedHash: `0x${bytesToHex(s.versionedHashes[i]!)}`,
    kzgCommitment: `0x${bytesToHex(s.commitments[i]!)}`,
    kzgProof: `0x${bytesToHex(s.proofs[i]!)}`,
    blob: `0x${bytesToHex(b)}`,
  }));
}
