import { type Block, encodeBlock, hashToHex } from '@keel/bitcoin';
import {
  type BlockTxn,
  type CmpctBlock,
  type CompactTxSource,
  createCompactBlock,
  ExtraTxnPool,
  encodeCmpctBlock,
  type GetBlockTxn,
  HighBandwidthPeers,
  InvType,
  isReconstructFailure,
  MAX_BLOCKTXN_DEPTH,
  type PartiallyDownloadedBlock,
  PartiallyDownloadedBlock as Pdb,
  serveGetBlockTxn,
} from '@keel/bitcoin-p2p';
import type { BlockIndexEntry } from '@keel/bitcoin-store';
import { bytesToHex, type Logger } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';
import type { Connection } from './connection.ts';
import type { NodeMempool } from './txPool.ts';

/** Core's MAX_CMPCTBLOCK_DEPTH: getdata(MSG_CMPCT_BLOCK) deeper than this gets the full block. */
export const MAX_CMPCTBLOCK_DEPTH = 5;
/** Compact blocks waiting for their blocktxn, per peer (bounded). */
const MAX_PARTIAL_PER_PEER = 4;

export interface CompactStats {
  /** cmpctblock messages received. */
  received: number;
  /** Reconstructed from the mempool/extra pool alone. */
  withoutRoundTrip: number;
  /** Reconstructed after one getblocktxn/blocktxn. */
  withRoundTrip: number;
  /** Collision or mismatch: the full block was requested instead. */
  fallbacks: number;
  /** Bytes of cmpctblock payloads sent, and of the full blocks they stood for. */
  bytesCompactSent: number;
  bytesFullEquivalent: number;
}

export interface CompactPeer {
  conn: Connection;
}

/**
 * BIP152 on the node, over F's pure code: reconstructing received compact blocks from the pool
 * (plus the extra-transaction ring), getblocktxn round trips, serving cmpctblock/blocktxn, and
 * the high-bandwidth peer selection (at most 3 peers asked to push compact blocks).
 */
export class CompactRelay {
  readonly stats: CompactStats = {
    received: 0,
    withoutRoundTrip: 0,
    withRoundTrip: 0,
    fallbacks: 0,
    bytesCompactSent: 0,
    bytesFullEquivalent: 0,
  };
  readonly extra = new ExtraTxnPool();
  private readonly hb = new HighBandwidthPeers();
  private readonly partial = new Map<number, Map<string, PartiallyDownloadedBlock>>();
  private readonly source: CompactTxSource;

  constructor(
    private readonly chain: ChainManager,
    mempool: NodeMempool,
    private readonly nonce: () => bigint,
    /** The regular block path (header, store, activate); resolves when done. */
    private readonly deliver: (p: CompactPeer, block: Block) => Promise<void>,
    private readonly log: Logger,
  ) {
    this.source = {
      *compactTxs() {
        for (const e of mempool.entries()) yield { tx: e.tx, txid: e.txid, wtxid: e.wtxid };
      },
    };
  }

  /** A received cmpctblock: reconstruct, or ask for what is missing, or fall back. */
  async onCmpctBlock(p: CompactPeer, c: CmpctBlock): Promise<void> {
    this.stats.received++;
    const h = this.chain.acceptHeader(c.header);
    if (!h.ok) {
      if (h.orphan) return;
      p.conn.misbehaving(`invalid compact block header: ${h.reason}`);
      return;
    }
    if (this.chain.haveData(h.entry)) return;
    const pdb = Pdb.init(c, { mempool: this.source, extra: this.extra, version: 2 });
    if (isReconstructFailure(pdb)) {
      if (pdb.status === 'invalid') p.conn.misbehaving(`invalid compact block: ${pdb.reason}`);
      else this.fallback(p, h.entry.hash, pdb.reason);
      return;
    }
    const req = pdb.getBlockTxn();
    if (!req) {
      const r = pdb.fill([]);
      if (!('block' in r)) {
        this.fallback(p, h.entry.hash, r.reason);
        return;
      }
      this.stats.withoutRoundTrip++;
      await this.deliver(p, r.block);
      return;
    }
    let mine = this.partial.get(p.conn.id);
    if (!mine) this.partial.set(p.conn.id, (mine = new Map()));
    if (mine.size >= MAX_PARTIAL_PER_PEER) mine.delete(mine.keys().next().value!);
    mine.set(bytesToHex(pdb.hash), pdb);
    p.conn.send({ command: 'getblocktxn', payload: req });
  }

  async onBlockTxn(p: CompactPeer, b: BlockTxn): Promise<void> {
    const k = bytesToHex(b.blockHash);
    const pdb = this.partial.get(p.conn.id)?.get(k);
    if (!pdb) return; // unsolicited: Core ignores it
    this.partial.get(p.conn.id)!.delete(k);
    const r = pdb.fill(b.txs);
    if (r.status === 'invalid') {
      p.conn.misbehaving(`invalid blocktxn: ${r.reason}`);
      return;
    }
    if (!('block' in r)) {
      this.fallback(p, b.blockHash, r.reason);
      return;
    }
    this.stats.withRoundTrip++;
    await this.deliver(p, r.block);
  }

  onGetBlockTxn(p: CompactPeer, req: GetBlockTxn): void {
    const e = this.chain.index.getByHash(req.blockHash);
    if (!e || !this.chain.haveData(e)) return;
    const block = this.chain.readBlock(e);
    if (this.chain.height - e.height >= MAX_BLOCKTXN_DEPTH) {
      p.conn.sendRaw('block', this.chain.readRawBlock(e));
      return;
    }
    try {
      p.conn.send({ command: 'blocktxn', payload: serveGetBlockTxn(block, req) });
    } catch (err) {
      p.conn.misbehaving((err as Error).message);
    }
  }

  /** The cmpctblock for a stored block (coinbase prefilled, as Core). */
  compactFor(e: BlockIndexEntry): CmpctBlock {
    const block = this.chain.readBlock(e);
    const c = createCompactBlock(block, this.nonce());
    this.stats.bytesCompactSent += encodeCmpctBlock(c).length;
    this.stats.bytesFullEquivalent += encodeBlock(block).length;
    return c;
  }

  /** getdata(MSG_CMPCT_BLOCK): compact when recent, else the full block. */
  serve(p: CompactPeer, e: BlockIndexEntry): void {
    if (this.chain.height - e.height > MAX_CMPCTBLOCK_DEPTH) {
      p.conn.sendRaw('block', this.chain.readRawBlock(e));
      return;
    }
    p.conn.send({ command: 'cmpctblock', payload: this.compactFor(e) });
  }

  /** A peer gave us a new tip first: make it one of our (at most 3) high-bandwidth peers. */
  newBlockFrom(p: CompactPeer, peers: ReadonlyMap<number, CompactPeer>): void {
    if (!p.conn.info?.compact) return;
    const change = this.hb.onNewBlockFrom(String(p.conn.id), p.conn.inbound);
    if (!change) return;
    p.conn.send({ command: 'sendcmpct', payload: { announce: true, version: 2n } });
    if (change.demote !== undefined) {
      peers.get(Number(change.demote))?.conn.send({
        command: 'sendcmpct',
        payload: { announce: false, version: 2n },
      });
    }
  }

  forget(id: number): void {
    this.partial.delete(id);
    this.hb.remove(String(id));
  }

  private fallback(p: CompactPeer, hash: Uint8Array, reason: string): void {
    this.stats.fallbacks++;
    this.log.debug({ peer: p.conn.id, block: hashToHex(hash), reason }, 'compact block fallback');
    p.conn.send({ command: 'getdata', payload: [{ type: InvType.MSG_WITNESS_BLOCK, hash }] });
  }
}
