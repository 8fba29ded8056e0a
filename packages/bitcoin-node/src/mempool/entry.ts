import type { OutPoint, Transaction } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';

/** One mempool transaction and what policy computed for it on entry. */
export interface MempoolEntry {
  readonly tx: Transaction;
  /** Internal byte order. */
  readonly txid: Uint8Array;
  readonly wtxid: Uint8Array;
  /** Hex of the internal-order hashes: map keys. */
  readonly txidKey: string;
  readonly wtxidKey: string;
  readonly fee: bigint;
  /** Core's GetTxSize: sigop-adjusted virtual size. */
  readonly vsize: number;
  readonly weight: number;
  readonly sigopCost: number;
  /** Unix seconds when it entered (expiry counts from here). */
  readonly time: number;
  /** Chain tip height when it entered. */
  readonly height: number;
  /** Estimated memory use in bytes (what -maxmempool limits). */
  readonly usage: number;
  /** Spends a coinbase output (re-checked for maturity after a reorg). */
  readonly spendsCoinbase: boolean;
  /** In-mempool transactions it spends from / that spend from it. */
  readonly parents: Set<MempoolEntry>;
  readonly children: Set<MempoolEntry>;
}

export function outpointKey(o: OutPoint): string {
  return `${bytesToHex(o.txid)}:${o.vout}`;
}

/** Why an entry left the mempool (Core's MemPoolRemovalReason). */
export type RemovalReason = 'expiry' | 'sizelimit' | 'reorg' | 'block' | 'conflict' | 'replaced';

/**
 * A rough, deterministic stand-in for Core's DynamicMemoryUsage of an entry: the serialized
 * transaction, per-input/output objects and the entry's bookkeeping. Core's heap accounting
 * comes to a few times the serialized size; so does this.
 */
export function estimateUsage(tx: Transaction, totalSize: number): number {
  let witnessItems = 0;
  for (const i of tx.inputs) witnessItems += i.witness.length;
  return 2 * totalSize + 96 * tx.inputs.length + 64 * tx.outputs.length + 32 * witnessItems + 512;
}

/** Ancestors of a set of parents (not including a new transaction itself). */
export function ancestorsOf(parents: Iterable<MempoolEntry>): Set<MempoolEntry> {
  const out = new Set<MempoolEntry>();
  const stack = [...parents];
  while (stack.length) {
    const e = stack.pop()!;
    if (out.has(e)) continue;
    out.add(e);
    for (const p of e.parents) if (!out.has(p)) stack.push(p);
  }
  return out;
}

/** The entry and all its in-mempool descendants. */
export function withDescendants(
  entry: MempoolEntry,
  into = new Set<MempoolEntry>(),
): Set<MempoolEntry> {
  const stack = [entry];
  while (stack.length) {
    const e = stack.pop()!;
    if (into.has(e)) continue;
    into.add(e);
    for (const c of e.children) if (!into.has(c)) stack.push(c);
  }
  return into;
}

/** Fee and vsize summed over a set. */
export function totals(set: Iterable<MempoolEntry>): { fee: bigint; vsize: number; count: number } {
  let fee = 0n;
  let vsize = 0;
  let count = 0;
  for (const e of set) {
    fee += e.fee;
    vsize += e.vsize;
    count++;
  }
  return { fee, vsize, count };
}

/** a/b < c/d for fee rates given as (fee, vsize), exactly (Core 30's FeeFrac comparisons). */
export function feeRateLess(aFee: bigint, aSize: number, cFee: bigint, cSize: number): boolean {
  return aFee * BigInt(cSize) < cFee * BigInt(aSize);
}
