import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { MinHeap } from './heap.ts';

/** What the mempool needs to know about a transaction (the ledger's check produces it). */
export interface MempoolTx {
  readonly raw: Uint8Array;
  readonly hashHex: string;
  readonly fromHex: string;
  readonly nonce: bigint;
  /** Priority: the fee per gas unit. */
  readonly fee: bigint;
  /** The most the transaction can take from the sender (value + gas limit × price). */
  readonly cost: bigint;
}

/** The sender's committed balance and next nonce. */
export interface SenderAccount {
  readonly balance: bigint;
  readonly nonce: bigint;
}

export interface MempoolOptions {
  /** Most pending transactions; beyond it the cheapest tail transactions are evicted. */
  readonly maxCount: number;
  /** Most pending bytes. */
  readonly maxBytes: number;
  /** Lowest fee accepted. */
  readonly feeFloor: bigint;
  /** A replacement (same sender and nonce) must pay at least this many percent more. */
  readonly replaceBumpPercent: number;
  /** Nonces further than this above the account's nonce are refused. */
  readonly maxNonceGap: number;
  /** Transactions older than this are dropped by `expire`. */
  readonly ttlMs: number;
}

export const defaultMempoolOptions: MempoolOptions = {
  maxCount: 1_000_000,
  maxBytes: 512 * 1024 * 1024,
  feeFloor: 1n,
  replaceBumpPercent: 10,
  maxNonceGap: 1024,
  ttlMs: 10 * 60_000,
};

interface Entry {
  readonly tx: MempoolTx;
  readonly addedAt: number;
}

export type AddResult =
  | { readonly status: 'added'; readonly hash: string }
  | { readonly status: 'replaced'; readonly hash: string; readonly replaced: string }
  | { readonly status: 'known'; readonly hash: string };

/**
 * Pending transactions: per-sender nonce queues, fee-priority block templates, replacement by
 * a higher fee, eviction of the cheapest tail transactions under count/byte caps, expiry.
 * Admission runs the injected `check` (decoding, chain id, signature, gas — the ledger's
 * `checkTx`), then the pool's own rules: fee floor, nonce window, and that the sender can pay
 * for all its pending transactions up to this one.
 */
export class Mempool {
  readonly opts: MempoolOptions;
  private readonly bySender = new Map<string, Map<bigint, Entry>>();
  private readonly byHash = new Map<string, Entry>();
  /** Lazy min-heap by fee (entries are checked against `byHash` when popped). */
  private readonly cheapest = new MinHeap<{ fee: bigint; hash: string }>((a, b) =>
    a.fee < b.fee ? -1 : a.fee > b.fee ? 1 : 0,
  );
  private bytes = 0;

  constructor(
    opts: Partial<MempoolOptions>,
    private readonly account: (addrHex: string) => SenderAccount,
    /** Stateless and signature checks; throws ChainNodeError INVALID_TX / TX_REJECTED. */
    private readonly check: (raw: Uint8Array) => MempoolTx,
  ) {
    this.opts = { ...defaultMempoolOptions, ...opts };
  }

  get size(): number {
    return this.byHash.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  get senders(): number {
    return this.bySender.size;
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  get(hashHex: string): MempoolTx | null {
    return this.byHash.get(hashHex)?.tx ?? null;
  }

  /** The nonce after `accountNonce` and the sender's contiguous pending ones (eth "pending"). */
  pendingNonce(fromHex: string, accountNonce: bigint): bigint {
    const q = this.bySender.get(fromHex);
    let n = accountNonce;
    while (q?.has(n)) n++;
    return n;
  }

  /** Decodes and admits raw bytes; throws ChainNodeError (INVALID_TX / TX_REJECTED / MEMPOOL_FULL). */
  addRaw(raw: Uint8Array, now: number): AddResult {
    return this.add(this.check(raw), now);
  }

  /** Admits a transaction that already passed `check`. */
  add(tx: MempoolTx, now: number): AddResult {
    if (this.byHash.has(tx.hashHex)) return { status: 'known', hash: tx.hashHex };
    const reject = (msg: string) =>
      new ChainNodeError(ChainNodeErrorCode.TX_REJECTED, msg, { hash: tx.hashHex });
    if (tx.fee < this.opts.feeFloor)
      throw reject(`fee ${tx.fee} below floor ${this.opts.feeFloor}`);
    const acct = this.account(tx.fromHex);
    if (tx.nonce < acct.nonce) throw reject(`nonce ${tx.nonce} already used (next ${acct.nonce})`);
    if (tx.nonce > acct.nonce + BigInt(this.opts.maxNonceGap)) {
      throw reject(`nonce ${tx.nonce} too far ahead of ${acct.nonce}`);
    }
    const queue = this.bySender.get(tx.fromHex);
    const old = queue?.get(tx.nonce);
    if (old) {
      const need = old.tx.fee + (old.tx.fee * BigInt(this.opts.replaceBumpPercent)) / 100n;
      if (tx.fee < need || tx.fee === old.tx.fee) {
        throw reject(`replacement fee ${tx.fee} below ${need} (old fee ${old.tx.fee} + bump)`);
      }
    }
    let cost = tx.cost;
    if (queue) for (const [n, e] of queue) if (n < tx.nonce) cost += e.tx.cost;
    if (cost > acct.balance) throw reject(`balance ${acct.balance} below pending cost ${cost}`);
    if (old) this.remove(old.tx.hashHex);
    this.insert(tx, now);
    this.evict(tx.hashHex);
    if (!this.byHash.has(tx.hashHex)) {
      throw new ChainNodeError(ChainNodeErrorCode.MEMPOOL_FULL, 'mempool full: fee too low', {
        hash: tx.hashHex,
      });
    }
    return old
      ? { status: 'replaced', hash: tx.hashHex, replaced: old.tx.hashHex }
      : { status: 'added', hash: tx.hashHex };
  }

  private insert(tx: MempoolTx, now: number): void {
    const e: Entry = { tx, addedAt: now };
    let q = this.bySender.get(tx.fromHex);
    if (!q) this.bySender.set(tx.fromHex, (q = new Map()));
    q.set(tx.nonce, e);
    this.byHash.set(tx.hashHex, e);
    this.bytes += tx.raw.length;
    this.cheapest.push({ fee: tx.fee, hash: tx.hashHex });
  }

  remove(hashHex: string): boolean {
    const e = this.byHash.get(hashHex);
    if (!e) return false;
    this.byHash.delete(hashHex);
    this.bytes -= e.tx.raw.length;
    const q = this.bySender.get(e.tx.fromHex);
    q?.delete(e.tx.nonce);
    if (q && q.size === 0) this.bySender.delete(e.tx.fromHex);
    return true;
  }

  /** Over a cap: drop the highest-nonce transaction of the sender holding the cheapest one. */
  private evict(protect: string): void {
    while (this.byHash.size > this.opts.maxCount || this.bytes > this.opts.maxBytes) {
      const top = this.cheapest.pop();
      if (!top) return;
      const e = this.byHash.get(top.hash);
      if (!e) continue;
      const q = this.bySender.get(e.tx.fromHex)!;
      let tail = e;
      for (const x of q.values()) if (x.tx.nonce > tail.tx.nonce) tail = x;
      if (tail !== e) this.cheapest.push(top);
      this.remove(tail.tx.hashHex);
      if (tail.tx.hashHex === protect) return;
    }
    if (this.cheapest.size > 2 * this.byHash.size + 1024) this.rebuildHeap();
  }

  private rebuildHeap(): void {
    this.cheapest.clear();
    for (const [hash, e] of this.byHash) this.cheapest.push({ fee: e.tx.fee, hash });
  }

  /**
   * A block template: executable transactions (contiguous nonces from each sender's account
   * nonce), highest fee first across senders, at most `maxTxs` and `maxBytes`.
   */
  select(
    maxTxs: number,
    maxBytes: number,
    pending: {
      /** Transactions already in uncommitted ancestor blocks. */
      readonly skip?: ReadonlySet<string>;
      /** Next nonce per sender after those ancestors. */
      readonly nextNonce?: ReadonlyMap<string, bigint>;
    } = {},
  ): MempoolTx[] {
    type Head = { tx: MempoolTx; queue: Map<bigint, Entry> };
    const heads = new MinHeap<Head>((a, b) =>
      a.tx.fee > b.tx.fee ? -1 : a.tx.fee < b.tx.fee ? 1 : 0,
    );
    for (const [sender, q] of this.bySender) {
      const first = q.get(pending.nextNonce?.get(sender) ?? this.account(sender).nonce);
      if (first) heads.push({ tx: first.tx, queue: q });
    }
    const out: MempoolTx[] = [];
    let bytes = 0;
    while (out.length < maxTxs) {
      const h = heads.pop();
      if (!h) break;
      if (bytes + h.tx.raw.length > maxBytes) continue;
      if (pending.skip?.has(h.tx.hashHex)) continue;
      out.push(h.tx);
      bytes += h.tx.raw.length;
      const next = h.queue.get(h.tx.nonce + 1n);
      if (next) heads.push({ tx: next.tx, queue: h.queue });
    }
    return out;
  }

  /** After a commit: drop included transactions and those whose nonce is now used. */
  onCommitted(txs: readonly { readonly hashHex: string; readonly fromHex: string }[]): void {
    const senders = new Set<string>();
    for (const tx of txs) {
      this.remove(tx.hashHex);
      senders.add(tx.fromHex);
    }
    for (const s of senders) {
      const q = this.bySender.get(s);
      if (!q) continue;
      const n = this.account(s).nonce;
      for (const [nonce, e] of q) if (nonce < n) this.remove(e.tx.hashHex);
    }
  }

  /** Drops transactions older than the TTL; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const [hash, e] of this.byHash) {
      if (now - e.addedAt > this.opts.ttlMs) {
        this.remove(hash);
        dropped++;
      }
    }
    return dropped;
  }
}
