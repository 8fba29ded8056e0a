/**
 * The mempool's storage (pure): entries by txid and wtxid, which outpoints they spend, the
 * parent/child links, size accounting, Core's size limit (TrimToSize: evict the lowest
 * descendant score with its descendants), expiry, and the rolling minimum fee that eviction
 * raises and blocks let decay.
 */
import type { OutPoint, Transaction } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import {
  ancestorsOf,
  feeRateLess,
  type MempoolEntry,
  outpointKey,
  type RemovalReason,
  totals,
  withDescendants,
} from './entry.ts';
import { type FeeRatePerKvB, feeRateOf, ROLLING_FEE_HALFLIFE } from './policy.ts';

export interface RemovedEntry {
  entry: MempoolEntry;
  reason: RemovalReason;
}

export class MempoolState {
  private readonly byTxid = new Map<string, MempoolEntry>();
  private readonly byWtxid = new Map<string, MempoolEntry>();
  private readonly spends = new Map<string, MempoolEntry>();
  private usageBytes = 0;
  private vbytes = 0;
  private totalFees = 0n;
  /** sat/kvB as a float, as Core keeps it (it decays continuously). */
  private rollingMinimumFeeRate = 0;
  private lastRollingFeeUpdate = 0;
  private blockSinceLastRollingFeeBump = false;
  /** No entry is older than this (a lower bound; lets `expire` skip its scan). */
  private oldestTime = Number.POSITIVE_INFINITY;
  /** Bumped on every change (for getrawmempool/getblocktemplate caches). */
  sequence = 0;

  get size(): number {
    return this.byTxid.size;
  }
  get usage(): number {
    return this.usageBytes;
  }
  get totalVsize(): number {
    return this.vbytes;
  }
  get fees(): bigint {
    return this.totalFees;
  }

  entries(): IterableIterator<MempoolEntry> {
    return this.byTxid.values();
  }

  get(txid: Uint8Array): MempoolEntry | undefined {
    return this.byTxid.get(bytesToHex(txid));
  }
  getByKey(txidKey: string): MempoolEntry | undefined {
    return this.byTxid.get(txidKey);
  }
  getByWtxid(wtxid: Uint8Array): MempoolEntry | undefined {
    return this.byWtxid.get(bytesToHex(wtxid));
  }
  /** The mempool transaction spending `o`, if any. */
  spender(o: OutPoint): MempoolEntry | undefined {
    return this.spends.get(outpointKey(o));
  }

  /** Adds an entry whose policy checks passed; links it to in-mempool parents. */
  add(entry: MempoolEntry): void {
    this.byTxid.set(entry.txidKey, entry);
    this.byWtxid.set(entry.wtxidKey, entry);
    for (const input of entry.tx.inputs) {
      this.spends.set(outpointKey(input.prevout), entry);
      const parent = this.byTxid.get(bytesToHex(input.prevout.txid));
      if (parent) {
        entry.parents.add(parent);
        parent.children.add(entry);
      }
    }
    // Reorg re-adds: in-mempool spenders of this transaction become its children (Core's
    // UpdateTransactionsFromBlock).
    for (let vout = 0; vout < entry.tx.outputs.length; vout++) {
      const child = this.spends.get(outpointKey({ txid: entry.txid, vout }));
      if (child && child !== entry) {
        entry.children.add(child);
        child.parents.add(entry);
      }
    }
    this.usageBytes += entry.usage;
    this.vbytes += entry.vsize;
    this.totalFees += entry.fee;
    if (entry.time < this.oldestTime) this.oldestTime = entry.time;
    this.sequence++;
  }

  /** Removes exactly these entries (callers include descendants when they must go too). */
  removeSet(set: Iterable<MempoolEntry>, reason: RemovalReason): RemovedEntry[] {
    const out: RemovedEntry[] = [];
    for (const e of set) {
      if (this.byTxid.get(e.txidKey) !== e) continue;
      this.byTxid.delete(e.txidKey);
      this.byWtxid.delete(e.wtxidKey);
      for (const input of e.tx.inputs) {
        const k = outpointKey(input.prevout);
        if (this.spends.get(k) === e) this.spends.delete(k);
      }
      for (const p of e.parents) p.children.delete(e);
      for (const c of e.children) c.parents.delete(e);
      this.usageBytes -= e.usage;
      this.vbytes -= e.vsize;
      this.totalFees -= e.fee;
      out.push({ entry: e, reason });
    }
    if (out.length) this.sequence++;
    return out;
  }

  /** Core's removeRecursive: the entry and every descendant. */
  removeRecursive(entry: MempoolEntry, reason: RemovalReason): RemovedEntry[] {
    return this.removeSet(withDescendants(entry), reason);
  }

  ancestors(entry: MempoolEntry): Set<MempoolEntry> {
    return ancestorsOf(entry.parents);
  }

  descendants(entry: MempoolEntry): Set<MempoolEntry> {
    const all = withDescendants(entry);
    all.delete(entry);
    return all;
  }

  /** Core's Expire: entries older than `cutoff` (unix seconds) go, with their descendants. */
  expire(cutoff: number): RemovedEntry[] {
    if (cutoff <= this.oldestTime) return [];
    const stage = new Set<MempoolEntry>();
    let oldest = Number.POSITIVE_INFINITY;
    for (const e of this.byTxid.values()) {
      if (e.time < cutoff) withDescendants(e, stage);
      else if (e.time < oldest) oldest = e.time;
    }
    // Descendants of expired entries may be younger; they leave too, so `oldest` still bounds.
    this.oldestTime = oldest;
    return this.removeSet(stage, 'expiry');
  }

  /**
   * Core's TrimToSize: while over `limitBytes`, evict the entry with the lowest descendant
   * score (the higher of its own feerate and its descendant package's) together with its
   * descendants, and raise the rolling minimum fee to the evicted package's feerate plus the
   * incremental relay fee.
   */
  trimToSize(limitBytes: number, incrementalRelayFee: FeeRatePerKvB): RemovedEntry[] {
    const removed: RemovedEntry[] = [];
    while (this.byTxid.size > 0 && this.usageBytes > limitBytes) {
      let worst: { entry: MempoolEntry; fee: bigint; vsize: number } | undefined;
      for (const e of this.byTxid.values()) {
        // A childless entry's score is its own feerate: no descendant walk needed.
        let fee = e.fee;
        let vsize = e.vsize;
        if (e.children.size > 0) {
          const t = totals(withDescendants(e));
          // Descendant score: max(own feerate, package feerate).
          if (!feeRateLess(t.fee, t.vsize, e.fee, e.vsize)) {
            fee = t.fee;
            vsize = t.vsize;
          }
        }
        if (!worst || feeRateLess(fee, vsize, worst.fee, worst.vsize))
          worst = { entry: e, fee, vsize };
      }
      const pkg = withDescendants(worst!.entry);
      const pkgTotals = totals(pkg);
      const rate = feeRateOf(pkgTotals.fee, pkgTotals.vsize) + incrementalRelayFee;
      this.trackPackageRemoved(rate);
      removed.push(...this.removeSet(pkg, 'sizelimit'));
    }
    return removed;
  }

  private trackPackageRemoved(rate: FeeRatePerKvB): void {
    if (Number(rate) > this.rollingMinimumFeeRate) {
      this.rollingMinimumFeeRate = Number(rate);
      this.blockSinceLastRollingFeeBump = false;
    }
  }

  /**
   * Core's GetMinFee: the rolling minimum, decaying with a 12-hour half-life once a block has
   * arrived since the last bump (3 h below a quarter of the limit, 6 h below half); under half
   * the incremental relay fee it drops to 0. When not 0, at least the incremental relay fee.
   */
  minFee(now: number, limitBytes: number, incrementalRelayFee: FeeRatePerKvB): FeeRatePerKvB {
    if (!this.blockSinceLastRollingFeeBump || this.rollingMinimumFeeRate === 0) {
      return BigInt(Math.round(this.rollingMinimumFeeRate));
    }
    if (now > this.lastRollingFeeUpdate + 10) {
      let halflife = ROLLING_FEE_HALFLIFE;
      if (this.usageBytes < limitBytes / 4) halflife /= 4;
      else if (this.usageBytes < limitBytes / 2) halflife /= 2;
      this.rollingMinimumFeeRate /= 2 ** ((now - this.lastRollingFeeUpdate) / halflife);
      this.lastRollingFeeUpdate = now;
      if (this.rollingMinimumFeeRate < Number(incrementalRelayFee) / 2) {
        this.rollingMinimumFeeRate = 0;
        return 0n;
      }
    }
    const rolling = BigInt(Math.round(this.rollingMinimumFeeRate));
    return rolling > incrementalRelayFee ? rolling : incrementalRelayFee;
  }

  /**
   * Core's removeForBlock: confirmed transactions leave (their children stay, now spending
   * confirmed outputs), then anything spending the same outpoints as a block transaction is a
   * conflict and leaves with its descendants. A block lets the rolling minimum fee decay.
   */
  removeForBlock(
    txs: readonly Transaction[],
    txids: readonly Uint8Array[],
    now: number,
  ): RemovedEntry[] {
    const removed: RemovedEntry[] = [];
    txs.forEach((tx, i) => {
      const e = this.byTxid.get(bytesToHex(txids[i]!));
      if (e) removed.push(...this.removeSet([e], 'block'));
      for (const input of tx.inputs) {
        const conflict = this.spends.get(outpointKey(input.prevout));
        if (conflict) removed.push(...this.removeRecursive(conflict, 'conflict'));
      }
    });
    this.lastRollingFeeUpdate = now;
    this.blockSinceLastRollingFeeBump = true;
    return removed;
  }
}
