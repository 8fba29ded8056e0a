/**
 * Orphan transactions: ones whose parents we have not seen, kept (bounded) until a parent
 * arrives. Pure and deterministic: when full, the oldest orphan goes (Core picks at random);
 * orphans expire after 20 minutes; transactions over the standard weight are never kept.
 */
import { type Transaction, transactionSizes, txid, wtxid } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import { outpointKey } from './entry.ts';
import { MAX_STANDARD_TX_WEIGHT, ORPHAN_TX_EXPIRE_TIME } from './policy.ts';

export interface Orphan {
  tx: Transaction;
  txid: Uint8Array;
  wtxid: Uint8Array;
  /** Who sent it (a peer id), to drop its orphans when it disconnects. */
  from: string;
  expires: number;
}

export class OrphanPool {
  private readonly byWtxid = new Map<string, Orphan>();
  /** outpoint key -> orphans spending it. */
  private readonly byPrevout = new Map<string, Set<Orphan>>();

  constructor(readonly maxOrphans: number) {}

  get size(): number {
    return this.byWtxid.size;
  }

  has(wtxidHash: Uint8Array): boolean {
    return this.byWtxid.has(bytesToHex(wtxidHash));
  }

  /** Keeps `tx` as an orphan; returns the orphans evicted to make room (or false if refused). */
  add(tx: Transaction, from: string, now: number): Orphan[] | false {
    if (transactionSizes(tx).weight > MAX_STANDARD_TX_WEIGHT) return false;
    const w = wtxid(tx);
    const key = bytesToHex(w);
    if (this.byWtxid.has(key)) return [];
    const orphan: Orphan = {
      tx,
      txid: txid(tx),
      wtxid: w,
      from,
      expires: now + ORPHAN_TX_EXPIRE_TIME,
    };
    this.byWtxid.set(key, orphan);
    for (const input of tx.inputs) {
      const k = outpointKey(input.prevout);
      let set = this.byPrevout.get(k);
      if (!set) this.byPrevout.set(k, (set = new Set()));
      set.add(orphan);
    }
    const evicted: Orphan[] = [];
    for (const old of this.byWtxid.values()) {
      if (this.byWtxid.size <= this.maxOrphans) break;
      evicted.push(old);
      this.remove(old);
    }
    return evicted;
  }

  remove(o: Orphan): void {
    if (this.byWtxid.get(bytesToHex(o.wtxid)) !== o) return;
    this.byWtxid.delete(bytesToHex(o.wtxid));
    for (const input of o.tx.inputs) {
      const k = outpointKey(input.prevout);
      const set = this.byPrevout.get(k);
      set?.delete(o);
      if (set?.size === 0) this.byPrevout.delete(k);
    }
  }

  /** Orphans spending an output of `parent` (to retry once it is accepted). */
  childrenOf(parent: Transaction, parentTxid: Uint8Array): Orphan[] {
    const out = new Set<Orphan>();
    for (let vout = 0; vout < parent.outputs.length; vout++) {
      for (const o of this.byPrevout.get(outpointKey({ txid: parentTxid, vout })) ?? []) out.add(o);
    }
    return [...out];
  }

  /** Drops orphans that expired, or that a block made invalid by spending their inputs. */
  expire(now: number): Orphan[] {
    const gone = [...this.byWtxid.values()].filter((o) => o.expires <= now);
    for (const o of gone) this.remove(o);
    return gone;
  }

  /** Core's EraseForBlock: orphans included in or conflicting with a block leave. */
  eraseForBlock(txs: readonly Transaction[]): void {
    for (const tx of txs) {
      for (const input of tx.inputs) {
        for (const o of [...(this.byPrevout.get(outpointKey(input.prevout)) ?? [])]) this.remove(o);
      }
    }
  }

  eraseForPeer(from: string): void {
    for (const o of [...this.byWtxid.values()]) if (o.from === from) this.remove(o);
  }

  *orphans(): IterableIterator<Orphan> {
    yield* this.byWtxid.values();
  }
}
