import { sha256 } from '@keel/crypto';
import type { KzgBackend } from '@keel/crypto/kzg';
import type { BlobTxParts } from '@keel/ledger';
import { bytesToHex } from '@keel/util';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';

/** A blob transaction's sidecar, as kept by the pool and the store. */
export interface BlobSidecar {
  readonly txHash: string;
  readonly versionedHashes: readonly Uint8Array[];
  readonly blobs: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly proofs: readonly Uint8Array[];
}

export interface BlobPoolOptions {
  /** Most pending blob transactions. */
  readonly maxTxs: number;
  /** Most pending blobs (128 KiB each). */
  readonly maxBlobs: number;
  /** Most pending blob transactions of one sender. */
  readonly maxPerSender: number;
  /** A replacement must raise both maxFeePerGas and maxFeePerBlobGas by this many percent. */
  readonly replaceBumpPercent: number;
}

/** geth's blob pool bump (100 %), a per-account cap of 16, and a pool of ~2.5 GiB of blobs. */
export const defaultBlobPoolOptions: BlobPoolOptions = {
  maxTxs: 10_000,
  maxBlobs: 20_000,
  maxPerSender: 16,
  replaceBumpPercent: 100,
};

const BLOB_POOL_BOUNDS: Record<keyof BlobPoolOptions, readonly [number, number]> = {
  maxTxs: [1, 1_000_000],
  // at least one 6-blob transaction (EIP-4844's per-block maximum)
  maxBlobs: [6, 6_000_000],
  maxPerSender: [1, 10_000],
  replaceBumpPercent: [0, 10_000],
};

/** Checks every limit is an integer within its bounds; throws ChainNodeError INVALID_CONFIG. */
export function checkBlobPoolOptions(o: BlobPoolOptions): BlobPoolOptions {
  for (const [k, [lo, hi]] of Object.entries(BLOB_POOL_BOUNDS)) {
    const v = o[k as keyof BlobPoolOptions];
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new ChainNodeError(
        ChainNodeErrorCode.INVALID_CONFIG,
        `blob pool ${k} must be an integer in ${lo}..${hi} (got ${v})`,
      );
  }
  return o;
}

interface Entry {
  readonly parts: BlobTxParts;
  readonly hashHex: string;
  readonly fromHex: string;
}

export type BlobAdmission =
  | { readonly status: 'added'; readonly hash: string }
  | { readonly status: 'replaced'; readonly hash: string; readonly replaced: string }
  | { readonly status: 'known'; readonly hash: string };

const VERSIONED_HASH_VERSION_KZG = 0x01;

/** kzg_to_versioned_hash: 0x01 ‖ sha256(commitment)[1:]. */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  const h = sha256(commitment);
  h[0] = VERSIONED_HASH_VERSION_KZG;
  return h;
}

/**
 * Checks a sidecar against its transaction: one commitment and proof per versioned hash, each
 * hash `kzg_to_versioned_hash(commitment)`, and every blob's proof in one batch KZG check.
 * Throws ChainNodeError INVALID_TX (a peer sending it is penalized).
 */
export function verifySidecar(kzg: KzgBackend, p: BlobTxParts): void {
  const bad = (m: string) =>
    new ChainNodeError(ChainNodeErrorCode.INVALID_TX, m, { reason: 'blob' });
  const n = p.versionedHashes.length;
  if (p.blobs.length !== n || p.commitments.length !== n || p.proofs.length !== n)
    throw bad(`sidecar has ${p.blobs.length} blobs for ${n} versioned hashes`);
  for (let i = 0; i < n; i++) {
    if (bytesToHex(kzgToVersionedHash(p.commitments[i]!)) !== bytesToHex(p.versionedHashes[i]!))
      throw bad(`blob ${i}: versioned hash does not match its commitment`);
  }
  let ok: boolean;
  try {
    ok = kzg.verifyBlobKzgProofBatch([...p.blobs], [...p.commitments], [...p.proofs]);
  } catch (e) {
    throw bad(`blob KZG check failed: ${(e as Error).message}`);
  }
  if (!ok) throw bad('blob KZG proofs do not verify');
}

/**
 * Pending blob transactions with their sidecars, apart from the ordinary mempool (which holds
 * their canonical form for block building): its own count/blob/per-sender limits, and a
 * replacement (same sender and nonce) must raise **both** fee caps by `replaceBumpPercent`.
 * When full, the pending transaction with the lowest blob fee cap is evicted if the new one
 * pays more; otherwise the new one is refused.
 */
export class BlobPool {
  readonly opts: BlobPoolOptions;
  private readonly byHash = new Map<string, Entry>();
  private readonly bySender = new Map<string, Map<bigint, Entry>>();
  private blobCount = 0;

  constructor(opts: Partial<BlobPoolOptions> = {}) {
    this.opts = checkBlobPoolOptions({ ...defaultBlobPoolOptions, ...opts });
  }

  get size(): number {
    return this.byHash.size;
  }

  get blobs(): number {
    return this.blobCount;
  }

  hashes(): string[] {
    return [...this.byHash.keys()];
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  sidecar(hashHex: string): BlobSidecar | null {
    const e = this.byHash.get(hashHex);
    if (!e) return null;
    const p = e.parts;
    return {
      txHash: hashHex,
      versionedHashes: p.versionedHashes,
      blobs: p.blobs,
      commitments: p.commitments,
      proofs: p.proofs,
    };
  }

  /**
   * Admits a transaction whose sidecar `verifySidecar` accepted, sent by `fromHex` (its ledger
   * account). Throws ChainNodeError TX_REJECTED / MEMPOOL_FULL.
   */
  add(parts: BlobTxParts, fromHex: string): BlobAdmission {
    const hashHex = bytesToHex(parts.hash);
    if (this.byHash.has(hashHex)) return { status: 'known', hash: hashHex };
    const reject = (m: string) =>
      new ChainNodeError(ChainNodeErrorCode.TX_REJECTED, m, { hash: hashHex });
    const n = parts.versionedHashes.length;
    const q = this.bySender.get(fromHex);
    const old = q?.get(parts.nonce);
    if (old) {
      const bump = BigInt(this.opts.replaceBumpPercent);
      const needFee = old.parts.maxFeePerGas + (old.parts.maxFeePerGas * bump) / 100n;
      const needBlob = old.parts.maxFeePerBlobGas + (old.parts.maxFeePerBlobGas * bump) / 100n;
      if (parts.maxFeePerGas < needFee || parts.maxFeePerBlobGas < needBlob)
        throw reject(
          `replacement blob transaction underpriced: need maxFeePerGas >= ${needFee} and maxFeePerBlobGas >= ${needBlob} (+${bump}%)`,
        );
    } else if ((q?.size ?? 0) >= this.opts.maxPerSender) {
      throw reject(`sender has ${this.opts.maxPerSender} pending blob transactions (the limit)`);
    }
    if (old) this.remove(old.hashHex);
    while (this.byHash.size >= this.opts.maxTxs || this.blobCount + n > this.opts.maxBlobs) {
      const cheapest = this.cheapest();
      if (!cheapest || cheapest.parts.maxFeePerBlobGas >= parts.maxFeePerBlobGas) {
        if (old) this.insert(old);
        throw new ChainNodeError(
          ChainNodeErrorCode.MEMPOOL_FULL,
          'blob pool full: blob fee cap too low',
          { hash: hashHex },
        );
      }
      this.remove(cheapest.hashHex);
    }
    this.insert({ parts, hashHex, fromHex });
    return old
      ? { status: 'replaced', hash: hashHex, replaced: old.hashHex }
      : { status: 'added', hash: hashHex };
  }

  private cheapest(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.byHash.values())
      if (!best || e.parts.maxFeePerBlobGas < best.parts.maxFeePerBlobGas) best = e;
    return best;
  }

  private insert(e: Entry): void {
    this.byHash.set(e.hashHex, e);
    let q = this.bySender.get(e.fromHex);
    if (!q) this.bySender.set(e.fromHex, (q = new Map()));
    q.set(e.parts.nonce, e);
    this.blobCount += e.parts.versionedHashes.length;
  }

  /** Drops a transaction (included, replaced, evicted or refused by the mempool). */
  remove(hashHex: string): BlobSidecar | null {
    const side = this.sidecar(hashHex);
    const e = this.byHash.get(hashHex);
    if (!e) return null;
    this.byHash.delete(hashHex);
    const q = this.bySender.get(e.fromHex);
    q?.delete(e.parts.nonce);
    if (q && q.size === 0) this.bySender.delete(e.fromHex);
    this.blobCount -= e.parts.versionedHashes.length;
    return side;
  }
}
