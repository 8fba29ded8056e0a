import { keccak256 } from '@keel/crypto';
import type { Address, Transaction } from '@keel/evm';
import { bytesToHex, compareBytes, concatBytes } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';

/** A transaction waiting in the sequencer, with when it was first seen (ms, an input). */
export interface PendingTx {
  readonly raw: Uint8Array;
  readonly tx: Transaction;
  readonly sender: Address;
  readonly hash: Uint8Array;
  readonly firstSeenMs: number;
  /** Arrival sequence number (ties in time). */
  readonly seq: number;
}

export const OrderingMode = {
  FIFO: 'fifo',
  PRIORITY: 'priority',
  FAIR: 'fair',
  AUCTION: 'auction',
} as const;
export type OrderingMode = (typeof OrderingMode)[keyof typeof OrderingMode];

/** Tip per gas the sequencer earns at `baseFee` (L2 base fee is 0). */
export function effectiveTip(tx: Transaction, baseFee = 0n): bigint {
  if (tx.type === 0 || tx.type === 1) return tx.gasPrice - baseFee;
  const room = tx.maxFeePerGas - baseFee;
  return room < tx.maxPriorityFeePerGas ? room : tx.maxPriorityFeePerGas;
}

/**
 * Reorders so that each sender's txs keep nonce order: the slots a sender occupies in `order`
 * are refilled with that sender's txs sorted by nonce (then arrival).
 */
export function keepNonceOrder(order: readonly PendingTx[]): PendingTx[] {
  const bySender = new Map<string, PendingTx[]>();
  for (const p of order) {
    const k = bytesToHex(p.sender);
    let l = bySender.get(k);
    if (!l) bySender.set(k, (l = []));
    l.push(p);
  }
  for (const l of bySender.values()) {
    l.sort((a, b) =>
      a.tx.nonce === b.tx.nonce ? a.seq - b.seq : a.tx.nonce < b.tx.nonce ? -1 : 1,
    );
  }
  const cursor = new Map<string, number>();
  return order.map((p) => {
    const k = bytesToHex(p.sender);
    const i = cursor.get(k) ?? 0;
    cursor.set(k, i + 1);
    return bySender.get(k)![i]!;
  });
}

/** FIFO: arrival order. */
export function orderFifo(pool: readonly PendingTx[]): PendingTx[] {
  return keepNonceOrder([...pool].sort((a, b) => a.seq - b.seq));
}

/**
 * Priority fee: repeatedly take the highest-tipping next-nonce tx among all senders (ties by
 * arrival), as geth's price-and-nonce ordering.
 */
export function orderPriority(pool: readonly PendingTx[], baseFee = 0n): PendingTx[] {
  const queues = new Map<string, PendingTx[]>();
  for (const p of [...pool].sort((a, b) => a.seq - b.seq)) {
    const k = bytesToHex(p.sender);
    let q = queues.get(k);
    if (!q) queues.set(k, (q = []));
    q.push(p);
  }
  for (const q of queues.values()) {
    q.sort((a, b) =>
      a.tx.nonce === b.tx.nonce ? a.seq - b.seq : a.tx.nonce < b.tx.nonce ? -1 : 1,
    );
  }
  const out: PendingTx[] = [];
  const heads = [...queues.values()];
  // O(n · senders): fine for batch-sized pools; a heap would make it O(n log senders).
  while (heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) {
      const a = heads[i]![0]!;
      const b = heads[best]![0]!;
      const ta = effectiveTip(a.tx, baseFee);
      const tb = effectiveTip(b.tx, baseFee);
      if (ta > tb || (ta === tb && a.seq < b.seq)) best = i;
    }
    const q = heads[best]!;
    out.push(q.shift()!);
    if (q.length === 0) heads.splice(best, 1);
  }
  return out;
}

/**
 * Fair ordering: txs first seen in the same `windowMs` window are one bucket; buckets go in time
 * order, and inside a bucket the order is keccak256(seed ‖ tx hash) — neither fee nor
 * millisecond timing inside a window buys a better place. `seed` should be unknown when the
 * window closes (e.g. the previous L2 block hash).
 */
export function orderFair(
  pool: readonly PendingTx[],
  windowMs: number,
  seed: Uint8Array,
): PendingTx[] {
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RollupError(
      RollupErrorCode.INVALID_INPUT,
      `fair window must be > 0 ms, got ${windowMs}`,
    );
  }
  const keyed = pool.map((p) => ({
    p,
    bucket: Math.floor(p.firstSeenMs / windowMs),
    key: keccak256(concatBytes(seed, p.hash)),
  }));
  keyed.sort((a, b) => a.bucket - b.bucket || compareBytes(a.key, b.key) || a.p.seq - b.p.seq);
  return keepNonceOrder(keyed.map((k) => k.p));
}
