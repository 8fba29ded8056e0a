import { type Block, blockHash, verifyQC } from '@keel/consensus';
import { bytesToHex, equalBytes, hexToBytes } from '@keel/util';
import { decodePayload } from '../app/payload.ts';
import { DEFAULT_BLOB_RETENTION_BLOCKS } from '../blobs/store.ts';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { defaultCodecLimits } from '../net/codec.ts';
import { Penalty } from '../net/peers.ts';
import type { ChainNode } from '../node.ts';
import {
  decodeBlocks,
  decodeStatus,
  decodeSyncRequest,
  encodeBlocks,
  encodeStatus,
  encodeSyncRequest,
  MAX_SYNC_BLOCKS,
} from './protocol.ts';
import {
  type BlockBlobTx,
  blockBlobTxs,
  encodeSidecarResponse,
  SidecarSync,
  type SidecarSyncOptions,
} from './sidecars.ts';

export interface SyncOptions {
  /** How often the coordinator compares heights with peers (ms). */
  readonly intervalMs: number;
  /** Catch up only when the network is at least this many blocks ahead. */
  readonly lagThreshold: number;
  /** Peers asked for each block range (2/3 of them must agree on every hash). */
  readonly fanout: number;
  readonly retries: number;
  readonly requestTimeoutMs: number;
  readonly sidecars?: Partial<SidecarSyncOptions>;
}

export const defaultSyncOptions: SyncOptions = {
  intervalMs: 30_000,
  lagThreshold: 16,
  fanout: 3,
  retries: 3,
  requestTimeoutMs: 5000,
};

interface PeerStatus {
  readonly peer: string;
  readonly height: number;
  readonly latencyMs: number;
}

/**
 * Serves sync requests and runs the SyncCoordinator loop: it samples peers' (height, genesis,
 * latency), takes the height that 2/3 of them reach as the network height, and when we lag,
 * StateSync fetches each range of committed blocks from the 3 best peers (height, then
 * latency), keeps the hashes 2/3 agree on, checks the hash chain from our tip and the QCs that
 * prove the blocks final (a certified child whose QC is from the previous view: the 2-chain
 * rule), applies them, and restarts consensus on the new tip. Each range is retried 3 times.
 */
export class SyncService {
  readonly opts: SyncOptions;
  private loop: ReturnType<typeof setInterval> | null = null;
  private running = false;
  targetHeight = 0;
  /** While state sync catches up (eth_syncing): the height it started from. */
  catchingUp = false;
  catchUpFrom = 0;
  synced = 0;
  /** Fetches the sidecars of committed blocks whose blob txs' sidecars we never received. */
  readonly sidecars: SidecarSync;

  constructor(
    private readonly node: ChainNode,
    opts: Partial<SyncOptions> = {},
  ) {
    this.opts = { ...defaultSyncOptions, ...opts };
    const n = node;
    this.sidecars = new SidecarSync(
      {
        peers: () => {
          const now = Date.now();
          return n.network
            .connectedPeers()
            .filter((p) => !n.peers.isBanned(p, now))
            .map((p) => n.peers.get(p, now))
            .sort((a, b) => b.score - a.score || b.height - a.height)
            .map((p) => p.id);
        },
        request: (peer, req, timeoutMs) => n.network.request(peer, req, timeoutMs),
        kzg: () => n.kzgBackend(),
        penalize: (peer) => n.peers.adjust(peer, Penalty.invalidMessage, Date.now()),
        store: (height, sidecars) => n.blobStore.put(height, sidecars),
        have: (txHash) => n.blobStore.heightOf(txHash) !== null,
        tip: () => n.consensus.committedHeight,
        retentionBlocks: n.o.blobRetentionBlocks ?? DEFAULT_BLOB_RETENTION_BLOCKS,
        onFetched: (k) => n.blobMetrics.syncFetched.inc(k),
        onPruned: (k) => n.blobMetrics.syncPruned.inc(k),
        onBadResponse: () => n.blobMetrics.syncBad.inc(),
        logger: n.log,
      },
      this.opts.sidecars,
    );
  }

  start(): void {
    this.loop = setInterval(() => void this.runOnce(), this.opts.intervalMs);
    this.sidecars.start();
  }

  stop(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = null;
    this.sidecars.stop();
  }

  /** The blob transactions of committed block `height` (null: no such block here). */
  blobTxsAt(height: number): BlockBlobTx[] | null {
    const b = height > 0 ? this.node.store.block(height) : null;
    if (!b) return null;
    return blockBlobTxs(decodePayload(b.payload, this.node.o.maxTxsPerBlock ?? 5000).txs);
  }

  /** Answers a sidecar request: all of the block's sidecars, or pruned / unavailable. */
  serveSidecars(height: number): Uint8Array {
    const n = this.node;
    if (height < n.consensus.committedHeight - n.blobStore.retentionBlocks)
      return encodeSidecarResponse({ status: 'pruned', height });
    const txs = this.blobTxsAt(height);
    const sidecars = (txs ?? []).map((t) => n.blobStore.get(t.txHash));
    if (!txs || sidecars.some((s) => s === null))
      return encodeSidecarResponse({ status: 'unavailable', height });
    return encodeSidecarResponse({
      status: 'ok',
      height,
      sidecars: sidecars.map((s) => s!),
    });
  }

  /** Walks back from `hash` through consensus' block tree, then the store. Newest first. */
  blocksBackFrom(hash: Uint8Array, count: number): Block[] {
    const n = this.node;
    const out: Block[] = [];
    const limit = Math.min(count, 128);
    let bytes = 0;
    let key = bytesToHex(hash);
    while (out.length < limit && bytes < 4 * 1024 * 1024) {
      const mem = n.consensus.blocks.get(key)?.block;
      let b: Block | null | undefined = mem;
      if (!b) {
        const h = n.store.heightOf(key);
        b = h === null ? null : n.store.block(h);
      }
      if (!b || b.height === 0) break;
      out.push(b);
      bytes += b.payload.length + 512;
      key = bytesToHex(b.parentHash);
    }
    return out;
  }

  serve(_peer: string, req: Uint8Array): Uint8Array {
    const r = decodeSyncRequest(req);
    const n = this.node;
    if (r.kind === 'sidecars') return this.serveSidecars(r.height);
    if (r.kind === 'status') {
      const tip = n.store.committed();
      return encodeStatus({
        genesisHash: n.genesisHash,
        height: tip?.height ?? 0,
        hash: tip ? hexToBytes(tip.hash) : n.genesisHash,
      });
    }
    const blocks: Block[] = [];
    for (let h = r.from; h < r.from + r.count; h++) {
      const b = n.store.block(h);
      if (!b) break;
      blocks.push(b);
    }
    return encodeBlocks(blocks);
  }

  /** Samples peers' status (genesis must match ours). */
  async peerStatuses(): Promise<PeerStatus[]> {
    const n = this.node;
    const peers = n.network.connectedPeers();
    const res = await Promise.all(
      peers.map(async (peer) => {
        const t0 = Date.now();
        try {
          const s = decodeStatus(
            await n.network.request(peer, encodeSyncRequest({ kind: 'status' }), 2000),
          );
          if (!equalBytes(s.genesisHash, n.genesisHash)) return null;
          const info = n.peers.get(peer, Date.now());
          info.height = s.height;
          info.latencyMs = Date.now() - t0;
          return { peer, height: s.height, latencyMs: info.latencyMs };
        } catch {
          return null;
        }
      }),
    );
    return res.filter((x): x is PeerStatus => x !== null);
  }

  /** The height that at least 2/3 of the sampled peers have reached. */
  static networkHeight(statuses: readonly PeerStatus[]): number {
    if (statuses.length === 0) return 0;
    const hs = statuses.map((s) => s.height).sort((a, b) => b - a);
    return hs[Math.ceil((2 * hs.length) / 3) - 1]!;
  }

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const statuses = await this.peerStatuses();
      this.targetHeight = SyncService.networkHeight(statuses);
      this.node.metrics.syncTarget.set(this.targetHeight);
      const local = this.node.consensus.committedHeight;
      if (this.targetHeight >= local + this.opts.lagThreshold) {
        this.node.log.info({ local, target: this.targetHeight }, 'catching up by state sync');
        this.catchingUp = true;
        this.catchUpFrom = local;
        try {
          await this.catchUp(statuses);
        } finally {
          this.catchingUp = false;
        }
      }
    } catch (err) {
      this.node.log.warn({ err: String(err) }, 'sync round failed');
    } finally {
      this.running = false;
    }
  }

  private async catchUp(statuses: PeerStatus[]): Promise<void> {
    let applied = 0;
    while (this.node.consensus.committedHeight + 2 < this.targetHeight) {
      const from = this.node.consensus.committedHeight + 1;
      const got = await this.fetchRange(statuses, from);
      const n = this.applyRange(got);
      if (n === 0) break;
      applied += n;
    }
    if (applied > 0) this.node.restartConsensus();
  }

  /** Fetches blocks [from, from+64) from the best peers until 2/3 agree; retries on failure. */
  private async fetchRange(statuses: PeerStatus[], from: number): Promise<Block[]> {
    const best = statuses
      .filter((s) => s.height >= from + 1 && !this.node.peers.isBanned(s.peer, Date.now()))
      .sort((a, b) => b.height - a.height || a.latencyMs - b.latencyMs);
    for (let attempt = 0; attempt < this.opts.retries; attempt++) {
      const picked = best.slice(attempt, attempt + this.opts.fanout);
      if (picked.length === 0) break;
      const answers = await Promise.all(
        picked.map(async (s) => {
          try {
            const bytes = await this.node.network.request(
              s.peer,
              encodeSyncRequest({ kind: 'blocks', from, count: MAX_SYNC_BLOCKS }),
              this.opts.requestTimeoutMs,
            );
            return decodeBlocks(bytes, defaultCodecLimits);
          } catch {
            return null;
          }
        }),
      );
      const agreed = agreedPrefix(
        answers.filter((a): a is Block[] => a !== null),
        picked.length,
      );
      if (agreed.length > 0) return agreed;
    }
    throw new ChainNodeError(
      ChainNodeErrorCode.SYNC_FAILED,
      `no 2/3 agreement on blocks from ${from}`,
    );
  }

  /** Verifies and applies the final part of a fetched range; returns how many were applied. */
  private applyRange(blocks: Block[]): number {
    const n = this.node;
    const tipHeight = n.consensus.committedHeight;
    const tipHash = n.consensus.blocks.get(n.consensus.committedKey)!.hash;
    const hashes = blocks.map((b) => blockHash(b));
    let prev = tipHash;
    for (let i = 0; i < blocks.length; i++) {
      if (blocks[i]!.height !== tipHeight + 1 + i || !equalBytes(blocks[i]!.parentHash, prev)) {
        return 0;
      }
      prev = hashes[i]!;
    }
    // Final up to j when block j+1 is certified (QC inside j+2) and j+1's QC is from the view
    // before it (the 2-chain commit rule).
    let finalUpTo = -1;
    for (let j = blocks.length - 3; j >= 0; j--) {
      const child = blocks[j + 1]!;
      const grandchild = blocks[j + 2]!;
      if (child.qc.view + 1 !== child.view) continue;
      if (!verifyQC(n.consensus.cert, grandchild.qc) || !verifyQC(n.consensus.cert, child.qc)) {
        return 0;
      }
      finalUpTo = j;
      break;
    }
    for (let i = 0; i <= finalUpTo; i++) {
      n.commitSynced(blocks[i]!, hashes[i]!);
      this.synced++;
      n.metrics.syncedBlocks.inc();
    }
    return finalUpTo + 1;
  }
}

/** The longest prefix on whose every hash at least 2/3 of `asked` peers agree. */
export function agreedPrefix(answers: readonly Block[][], asked: number): Block[] {
  const need = Math.ceil((2 * asked) / 3);
  const out: Block[] = [];
  for (let i = 0; ; i++) {
    const counts = new Map<string, { n: number; block: Block }>();
    for (const a of answers) {
      const b = a[i];
      if (!b) continue;
      const k = bytesToHex(blockHash(b));
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { n: 1, block: b });
    }
    const win = [...counts.values()].find((c) => c.n >= need);
    if (!win) return out;
    out.push(win.block);
  }
}
