import type { KzgBackend } from '@keel/crypto/kzg';
import { ethTxToJSON, isEthTx } from '@keel/ledger';
import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  DecodeError,
  DecodeErrorCode,
  equalBytes,
  hexToBytes,
  type Logger,
  nullLogger,
} from '@keel/util';
import { type BlobSidecar, kzgToVersionedHash } from '../blobs/pool.ts';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { plainBytes } from '../net/codec.ts';
import { encodeSyncRequest, SYNC_SIDECARS } from './protocol.ts';

/**
 * Sidecar sync: a node that commits a block whose blob transactions' sidecars it never saw
 * (it was down when they were gossiped, or it is catching up by block sync) asks peers for
 * them, block by block, checks them against the block and stores them.
 *
 *   request  = u8 3 ‖ u64 height
 *   response = u8 3 ‖ u64 height ‖ u8 status
 *              status 0 (sidecars): ‖ u8 n ‖ n × (32 tx hash ‖ u8 k ‖ k × (48 commitment ‖
 *                                   48 proof ‖ 131072 blob)) — the block's blob txs in order
 *              status 1 (pruned):   the block is outside the peer's retention window
 *              status 2 (unavailable): the peer lacks the block or some of its sidecars
 *
 * A block holds at most 6 blobs (EIP-4844's 786,432 blob gas), so a response is at most
 * MAX_SIDECAR_RESPONSE_BYTES; larger ones are refused before decoding. Versioned hashes are
 * not sent: the receiver takes them from the committed transactions and checks every
 * commitment against them, then all the blobs' proofs in one batch KZG check.
 */
export const BYTES_PER_BLOB = 131_072;
export const MAX_BLOBS_PER_BLOCK = 6;
const SIDECAR_ENTRY_BYTES = 48 + 48 + BYTES_PER_BLOB;
export const MAX_SIDECAR_RESPONSE_BYTES =
  1 + 8 + 1 + 1 + MAX_BLOBS_PER_BLOCK * (32 + 1 + SIDECAR_ENTRY_BYTES);

export const SidecarStatus = { ok: 0, pruned: 1, unavailable: 2 } as const;

/** A sidecar as sent on the wire (no versioned hashes). */
export interface WireSidecar {
  readonly txHash: string;
  readonly commitments: readonly Uint8Array[];
  readonly proofs: readonly Uint8Array[];
  readonly blobs: readonly Uint8Array[];
}

export type SidecarResponse =
  | { readonly status: 'ok'; readonly height: number; readonly sidecars: readonly WireSidecar[] }
  | { readonly status: 'pruned' | 'unavailable'; readonly height: number };

/** A blob transaction of a committed block: its hash and the versioned hashes it commits to. */
export interface BlockBlobTx {
  readonly txHash: string;
  readonly versionedHashes: readonly Uint8Array[];
}

export type SidecarSyncFailure =
  | 'oversize'
  | 'malformed'
  | 'height'
  | 'count'
  | 'tx'
  | 'blobs'
  | 'versioned hash'
  | 'proof';

/** A peer's sidecar response that fails a check: `meta.reason` names which. */
export class SidecarSyncError extends ChainNodeError {
  readonly reason: SidecarSyncFailure;
  constructor(reason: SidecarSyncFailure, message: string) {
    super(ChainNodeErrorCode.SYNC_FAILED, message, { reason });
    this.name = 'SidecarSyncError';
    this.reason = reason;
  }
}

export function encodeSidecarRequest(height: number): Uint8Array {
  return encodeSyncRequest({ kind: 'sidecars', height });
}

export function encodeSidecarResponse(r: SidecarResponse): Uint8Array {
  if (r.status !== 'ok') {
    return new BufferWriter(10)
      .u8(SYNC_SIDECARS)
      .u64le(BigInt(r.height))
      .u8(SidecarStatus[r.status])
      .finish();
  }
  const blobs = r.sidecars.reduce((a, s) => a + s.blobs.length, 0);
  const w = new BufferWriter(11 + r.sidecars.length * 33 + blobs * SIDECAR_ENTRY_BYTES);
  w.u8(SYNC_SIDECARS).u64le(BigInt(r.height)).u8(SidecarStatus.ok).u8(r.sidecars.length);
  for (const s of r.sidecars) {
    w.bytes(hexToBytes(s.txHash)).u8(s.blobs.length);
    for (let i = 0; i < s.blobs.length; i++) {
      w.bytes(s.commitments[i]!).bytes(s.proofs[i]!).bytes(s.blobs[i]!);
    }
  }
  return w.finish();
}

/** Decodes a sidecar response (structure and sizes only). Throws SidecarSyncError. */
export function decodeSidecarResponse(bytes: Uint8Array): SidecarResponse {
  if (bytes.length > MAX_SIDECAR_RESPONSE_BYTES)
    throw new SidecarSyncError(
      'oversize',
      `sidecar response of ${bytes.length} bytes (at most ${MAX_SIDECAR_RESPONSE_BYTES})`,
    );
  try {
    const r = new BufferReader(plainBytes(bytes));
    if (r.u8() !== SYNC_SIDECARS)
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'not a sidecar response');
    const h = r.u64le();
    if (h > BigInt(Number.MAX_SAFE_INTEGER))
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'height too large');
    const height = Number(h);
    const status = r.u8();
    if (status === SidecarStatus.pruned || status === SidecarStatus.unavailable) {
      r.assertEnd('sidecar response');
      return { status: status === SidecarStatus.pruned ? 'pruned' : 'unavailable', height };
    }
    if (status !== SidecarStatus.ok)
      throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `unknown sidecar status ${status}`);
    const n = r.u8();
    if (n > MAX_BLOBS_PER_BLOCK)
      throw new DecodeError(
        DecodeErrorCode.LIMIT_EXCEEDED,
        `${n} blob transactions (a block holds at most ${MAX_BLOBS_PER_BLOCK} blobs)`,
      );
    const sidecars: WireSidecar[] = [];
    let total = 0;
    for (let t = 0; t < n; t++) {
      const txHash = bytesToHex(r.copyBytes(32, 'tx hash'));
      const k = r.u8();
      total += k;
      if (k === 0 || total > MAX_BLOBS_PER_BLOCK)
        throw new DecodeError(
          DecodeErrorCode.LIMIT_EXCEEDED,
          `transaction ${t} has ${k} blobs (1..6 each, at most ${MAX_BLOBS_PER_BLOCK} a block)`,
        );
      const commitments: Uint8Array[] = [];
      const proofs: Uint8Array[] = [];
      const blobs: Uint8Array[] = [];
      for (let i = 0; i < k; i++) {
        commitments.push(r.copyBytes(48, 'commitment'));
        proofs.push(r.copyBytes(48, 'proof'));
        blobs.push(r.copyBytes(BYTES_PER_BLOB, 'blob'));
      }
      sidecars.push({ txHash, commitments, proofs, blobs });
    }
    r.assertEnd('sidecar response');
    return { status: 'ok', height, sidecars };
  } catch (e) {
    if (e instanceof DecodeError)
      throw new SidecarSyncError('malformed', `undecodable sidecar response: ${e.message}`);
    throw e;
  }
}

/**
 * Checks a peer's sidecars for the block at `height` against its blob transactions `wanted`
 * (block order): same height, one sidecar per transaction with its hash, one blob per
 * versioned hash, each versioned hash `kzg_to_versioned_hash(commitment)`, and every proof in
 * one batch KZG check. Returns the sidecars to store. Throws SidecarSyncError.
 */
export function checkSidecars(
  kzg: KzgBackend,
  height: number,
  wanted: readonly BlockBlobTx[],
  res: Extract<SidecarResponse, { status: 'ok' }>,
): BlobSidecar[] {
  if (res.height !== height)
    throw new SidecarSyncError('height', `asked for block ${height}, got ${res.height}`);
  if (res.sidecars.length !== wanted.length)
    throw new SidecarSyncError(
      'count',
      `block ${height} has ${wanted.length} blob transactions, the peer sent ${res.sidecars.length} sidecars`,
    );
  const out: BlobSidecar[] = [];
  for (let t = 0; t < wanted.length; t++) {
    const w = wanted[t]!;
    const s = res.sidecars[t]!;
    if (s.txHash !== w.txHash)
      throw new SidecarSyncError('tx', `sidecar ${t} is for ${s.txHash}, not ${w.txHash}`);
    const k = w.versionedHashes.length;
    if (s.blobs.length !== k || s.commitments.length !== k || s.proofs.length !== k)
      throw new SidecarSyncError(
        'blobs',
        `transaction ${w.txHash} has ${k} versioned hashes, its sidecar ${s.blobs.length} blobs`,
      );
    for (let i = 0; i < k; i++) {
      if (!equalBytes(kzgToVersionedHash(s.commitments[i]!), w.versionedHashes[i]!))
        throw new SidecarSyncError(
          'versioned hash',
          `transaction ${w.txHash} blob ${i}: commitment does not match its versioned hash`,
        );
    }
    out.push({ ...s, versionedHashes: w.versionedHashes });
  }
  let ok: boolean;
  try {
    ok = kzg.verifyBlobKzgProofBatch(
      out.flatMap((s) => s.blobs),
      out.flatMap((s) => s.commitments),
      out.flatMap((s) => s.proofs),
    );
  } catch (e) {
    // a commitment or proof that is no curve point, a blob element out of range
    throw new SidecarSyncError(
      'proof',
      `block ${height}: KZG check failed: ${(e as Error).message}`,
    );
  }
  if (!ok) throw new SidecarSyncError('proof', `block ${height}: blob KZG proofs do not verify`);
  return out;
}

/** The blob (type-3) transactions among a block's ledger transactions, in block order. */
export function blockBlobTxs(txs: readonly Uint8Array[]): BlockBlobTx[] {
  const out: BlockBlobTx[] = [];
  for (const w of txs) {
    if (!isEthTx(w) || w[1] !== 3) continue;
    const j = ethTxToJSON(w);
    const hashes = (j.blobVersionedHashes as string[] | undefined) ?? [];
    out.push({
      txHash: (j.hash as string).slice(2),
      versionedHashes: hashes.map((h) => hexToBytes(h.slice(2))),
    });
  }
  return out;
}

export interface SidecarSyncDeps {
  /** Peers to ask, best first (connected, not banned). */
  readonly peers: () => readonly string[];
  readonly request: (peer: string, req: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;
  readonly kzg: () => Promise<KzgBackend>;
  /** A peer sent a response that failed a check. */
  readonly penalize: (peer: string, err: SidecarSyncError) => void;
  readonly store: (height: number, sidecars: readonly BlobSidecar[]) => Promise<void>;
  /** Whether the store holds the sidecar of this transaction already. */
  readonly have: (txHash: string) => boolean;
  /** The committed height and the blocks sidecars are kept for. */
  readonly tip: () => number;
  readonly retentionBlocks: number;
  readonly onFetched?: (sidecars: number) => void;
  readonly onPruned?: (sidecars: number) => void;
  readonly onBadResponse?: () => void;
  readonly logger?: Logger;
}

export interface SidecarSyncOptions {
  /** First attempt this long after the block committed (gossip may still bring the sidecar). */
  readonly firstDelayMs: number;
  /** Retry delay after a round where no peer had them; doubles, capped at `maxDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxDelayMs: number;
  readonly requestTimeoutMs: number;
  /** Most blocks waiting for their sidecars (the oldest are dropped beyond). */
  readonly maxPending: number;
  readonly intervalMs: number;
}

export const defaultSidecarSyncOptions: SidecarSyncOptions = {
  firstDelayMs: 300,
  retryDelayMs: 1000,
  maxDelayMs: 30_000,
  requestTimeoutMs: 10_000,
  maxPending: 4096,
  intervalMs: 250,
};

interface Want {
  readonly height: number;
  readonly txs: readonly BlockBlobTx[];
  nextAt: number;
  delay: number;
}

/**
 * Fetches missing sidecars of committed blocks from peers (see the wire form above). A block
 * past the retention window is recorded as pruned and never asked for. Each round asks the
 * peers one after another until one answers with sidecars that pass `checkSidecars`; a peer
 * whose answer fails is penalized, one that answers pruned/unavailable or times out is not.
 */
export class SidecarSync {
  readonly opts: SidecarSyncOptions;
  private readonly wants = new Map<number, Want>();
  private loop: ReturnType<typeof setInterval> | null = null;
  private running = false;
  private readonly log: Logger;
  fetched = 0;
  pruned = 0;
  badResponses = 0;

  constructor(
    private readonly d: SidecarSyncDeps,
    opts: Partial<SidecarSyncOptions> = {},
  ) {
    this.opts = { ...defaultSidecarSyncOptions, ...opts };
    this.log = d.logger ?? nullLogger;
  }

  get pending(): number {
    return this.wants.size;
  }

  /** Whether block `height` is outside the retention window at the current tip. */
  pastWindow(height: number): boolean {
    return height < this.d.tip() - this.d.retentionBlocks;
  }

  /** Asks for the sidecars of `txs` (the block's blob txs the store lacks) committed at `height`. */
  want(height: number, txs: readonly BlockBlobTx[], now = Date.now()): void {
    if (txs.length === 0 || this.wants.has(height)) return;
    if (this.pastWindow(height)) {
      this.recordPruned(txs.length);
      return;
    }
    this.wants.set(height, {
      height,
      txs,
      nextAt: now + this.opts.firstDelayMs,
      delay: this.opts.retryDelayMs,
    });
    while (this.wants.size > this.opts.maxPending) {
      const oldest = Math.min(...this.wants.keys());
      this.wants.delete(oldest);
    }
  }

  start(): void {
    this.loop = setInterval(
      () =>
        void this.runOnce().catch((err) =>
          this.log.error({ err: String(err), stack: (err as Error).stack }, 'sidecar sync failed'),
        ),
      this.opts.intervalMs,
    );
  }

  stop(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = null;
  }

  /** One pass over the due blocks, oldest first. */
  async runOnce(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const w of [...this.wants.values()].sort((a, b) => a.height - b.height)) {
        if (w.nextAt > now) continue;
        const missing = w.txs.filter((t) => !this.d.have(t.txHash));
        if (missing.length === 0) {
          this.wants.delete(w.height);
          continue;
        }
        if (this.pastWindow(w.height)) {
          this.wants.delete(w.height);
          this.recordPruned(missing.length);
          continue;
        }
        if (await this.fetch(w)) this.wants.delete(w.height);
        else {
          w.nextAt = Date.now() + w.delay;
          w.delay = Math.min(w.delay * 2, this.opts.maxDelayMs);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private recordPruned(n: number): void {
    this.pruned += n;
    this.d.onPruned?.(n);
  }

  /** Asks each peer in turn; true once the block's sidecars are stored. */
  private async fetch(w: Want): Promise<boolean> {
    const req = encodeSidecarRequest(w.height);
    for (const peer of this.d.peers()) {
      let bytes: Uint8Array;
      try {
        bytes = await this.d.request(peer, req, this.opts.requestTimeoutMs);
      } catch {
        continue; // a timeout or a reset is the transport's failure, not the peer's answer
      }
      try {
        const res = decodeSidecarResponse(bytes);
        if (res.status !== 'ok') {
          if (res.height !== w.height)
            throw new SidecarSyncError('height', `asked for block ${w.height}, got ${res.height}`);
          continue;
        }
        const sidecars = checkSidecars(await this.d.kzg(), w.height, w.txs, res);
        const fresh = sidecars.filter((s) => !this.d.have(s.txHash));
        await this.d.store(w.height, fresh);
        this.fetched += fresh.length;
        this.d.onFetched?.(fresh.length);
        this.log.info({ height: w.height, peer, sidecars: fresh.length }, 'sidecars synced');
        return true;
      } catch (e) {
        if (!(e instanceof SidecarSyncError)) throw e;
        this.badResponses++;
        this.d.onBadResponse?.();
        this.log.warn({ peer, height: w.height, reason: e.reason, err: e.message }, 'bad sidecars');
        this.d.penalize(peer, e);
      }
    }
    return false;
  }
}
