/**
 * The pure mempool: admission (acceptTransaction), orphans, blocks connected and
 * disconnected, expiry and the size limit. No I/O: coins, the tip and the time come in with
 * each call (see `Mempool` for the shell that fetches them).
 */
import { type Block, type OutPoint, type Transaction, txid } from '@keel/bitcoin';
import { COINBASE_MATURITY, isFinalTx } from '@keel/bitcoin/consensus';
import type { SignatureCache } from '@keel/bitcoin/script';
import { type CompactTxEntry, type CompactTxSource, ExtraTxnPool } from '@keel/bitcoin-p2p';
import type { Secp256k1Backend } from '@keel/crypto';
import { bytesToHex } from '@keel/util';
import {
  type AcceptContext,
  type AcceptEnv,
  type AcceptResult,
  acceptTransaction,
  type ChainTip,
  MEMPOOL_HEIGHT,
} from './accept.ts';
import type { MempoolEntry } from './entry.ts';
import { OrphanPool } from './orphans.ts';
import { defaultMempoolPolicy, type FeeRatePerKvB, type MempoolPolicy } from './policy.ts';
import { MempoolState, type RemovedEntry } from './pool.ts';

export interface MempoolCoreOptions {
  backend: Secp256k1Backend;
  policy?: Partial<MempoolPolicy>;
  signatureCache?: SignatureCache;
  /** Where replaced/evicted/orphan transactions go for compact block reconstruction. */
  extraTxns?: ExtraTxnPool;
}

/** What a block connection removed. */
export interface BlockConnectedResult {
  confirmed: MempoolEntry[];
  conflicts: MempoolEntry[];
}

const FEED_EXTRA = new Set([
  'not-standard',
  'inputs-not-standard',
  'reconsiderable',
  'mempool-policy',
]);

export class MempoolCore implements CompactTxSource {
  readonly state = new MempoolState();
  readonly policy: MempoolPolicy;
  readonly orphans: OrphanPool;
  readonly extraTxns: ExtraTxnPool;
  private readonly env: AcceptEnv;
  /** Reorg re-adds still missing parents (see `blocksDisconnected`). */
  private reorgPending: Transaction[] = [];

  constructor(o: MempoolCoreOptions) {
    this.policy = { ...defaultMempoolPolicy, ...o.policy };
    this.orphans = new OrphanPool(this.policy.maxOrphanTransactions);
    this.extraTxns = o.extraTxns ?? new ExtraTxnPool();
    this.env = {
      state: this.state,
      policy: this.policy,
      backend: o.backend,
      signatureCache: o.signatureCache,
    };
  }

  /** Core's AcceptToMemoryPool for one transaction. */
  accept(tx: Transaction, ctx: AcceptContext): AcceptResult {
    const r = acceptTransaction(this.env, tx, ctx);
    if (ctx.testOnly) return r;
    if (r.ok) {
      for (const e of r.replaced) this.extraTxns.add(e.tx, e);
      for (const t of r.trimmed) this.extraTxns.add(t.entry.tx, t.entry);
    } else if (FEED_EXTRA.has(r.kind)) {
      this.extraTxns.add(tx);
    }
    return r;
  }

  /**
   * Accepts `tx`; a missing-inputs rejection keeps it as an orphan of `from` (unless testing).
   * After a success, call `processOrphans` with the new entry.
   */
  acceptOrOrphan(tx: Transaction, ctx: AcceptContext, from = ''): AcceptResult {
    const result = this.accept(tx, ctx);
    if (!result.ok && result.kind === 'missing-inputs' && !ctx.testOnly) {
      if (this.orphans.add(tx, from, ctx.now) !== false) this.extraTxns.add(tx);
    }
    return result;
  }

  /** Orphans that `entry` may unblock, directly or through each other (for prefetching). */
  orphanCandidates(entry: MempoolEntry): Transaction[] {
    const seen = new Set<Transaction>();
    const work: { tx: Transaction; txid: Uint8Array }[] = [entry];
    while (work.length) {
      const p = work.pop()!;
      for (const o of this.orphans.childrenOf(p.tx, p.txid)) {
        if (seen.has(o.tx)) continue;
        seen.add(o.tx);
        work.push(o);
      }
    }
    return [...seen];
  }

  /** Core's ProcessOrphanTx: accepts orphans whose parents arrived, breadth first. */
  processOrphans(entry: MempoolEntry, ctx: AcceptContext): MempoolEntry[] {
    const accepted: MempoolEntry[] = [];
    const work = [entry];
    while (work.length) {
      const parent = work.shift()!;
      for (const o of this.orphans.childrenOf(parent.tx, parent.txid)) {
        const r = this.accept(o.tx, ctx);
        if (r.ok) {
          this.orphans.remove(o);
          accepted.push(r.entry);
          work.push(r.entry);
        } else if (r.kind !== 'missing-inputs') {
          this.orphans.remove(o);
        }
      }
    }
    return accepted;
  }

  /** The outpoints a transaction's inputs spend that mempool parents do not provide. */
  chainPrevouts(tx: Transaction): OutPoint[] {
    return tx.inputs
      .map((i) => i.prevout)
      .filter((o) => {
        const parent = this.state.get(o.txid);
        return !parent || parent.tx.outputs[o.vout] === undefined;
      });
  }

  /** Core's removeForBlock plus the orphan pool's EraseForBlock. */
  blockConnected(block: Block, now: number, txids = block.txs.map(txid)): BlockConnectedResult {
    const removed = [
      ...this.dropReorgPending(),
      ...this.state.removeForBlock(block.txs, txids, now),
    ];
    this.orphans.eraseForBlock(block.txs);
    for (const r of removed) if (r.reason === 'conflict') this.extraTxns.add(r.entry.tx, r.entry);
    return {
      confirmed: removed.filter((r) => r.reason === 'block').map((r) => r.entry),
      conflicts: removed.filter((r) => r.reason === 'conflict').map((r) => r.entry),
    };
  }

  /**
   * Core's MaybeUpdateMempoolForReorg. `disconnected` are the blocks taken off the chain, in
   * the order they were disconnected (tip first); `ctx` describes the new tip. Their
   * transactions come back (oldest block first, bypassing the fee floors and the size limit);
   * then entries no longer valid at the new tip (non-final, immature coinbase spends, missing
   * inputs) leave with their descendants, and the pool is expired and trimmed.
   */
  blocksDisconnected(disconnected: readonly Block[], ctx: AcceptContext): RemovedEntry[] {
    // Oldest block first (Core's order), then retry until nothing more gets in, so callers may
    // pass the blocks in either order or one call per block.
    const txs = [...this.reorgPending];
    for (let b = disconnected.length - 1; b >= 0; b--) txs.push(...disconnected[b]!.txs.slice(1));
    let pending = txs;
    for (let progress = true; progress && pending.length > 0; ) {
      progress = false;
      const next: Transaction[] = [];
      for (const tx of pending) {
        const r = this.accept(tx, { ...ctx, bypassLimits: true, testOnly: false });
        if (r.ok) progress = true;
        else if (r.kind === 'missing-inputs') next.push(tx);
      }
      pending = next;
    }
    // Parents may be in a block disconnected by a later call: keep these until the next block.
    this.reorgPending = pending;
    const removed = this.removeForReorg(ctx, new Set(pending.map((t) => bytesToHex(txid(t)))));
    removed.push(...this.state.expire(ctx.now - this.policy.expirySeconds));
    removed.push(
      ...this.state.trimToSize(this.policy.maxMempoolBytes, this.policy.incrementalRelayFee),
    );
    return removed;
  }

  /** Re-adds that never found their parents: they and their in-pool spenders leave. */
  private dropReorgPending(): RemovedEntry[] {
    const removed: RemovedEntry[] = [];
    for (const tx of this.reorgPending) {
      const id = txid(tx);
      for (let vout = 0; vout < tx.outputs.length; vout++) {
        const spender = this.state.spender({ txid: id, vout });
        if (spender) removed.push(...this.state.removeRecursive(spender, 'reorg'));
      }
    }
    this.reorgPending = [];
    return removed;
  }

  private removeForReorg(ctx: AcceptContext, pendingTxids: ReadonlySet<string>): RemovedEntry[] {
    const next = ctx.tip.height + 1;
    const bad: MempoolEntry[] = [];
    for (const e of this.state.entries()) {
      if (!isFinalTx(e.tx, next, ctx.tip.medianTimePast)) {
        bad.push(e);
        continue;
      }
      for (const input of e.tx.inputs) {
        if (this.state.get(input.prevout.txid)) continue;
        if (pendingTxids.has(bytesToHex(input.prevout.txid))) continue;
        const coin = ctx.coin(input.prevout);
        const immature =
          coin?.coinbase &&
          next - coin.height < COINBASE_MATURITY &&
          coin.height !== MEMPOOL_HEIGHT;
        if (!coin || immature) {
          bad.push(e);
          break;
        }
      }
    }
    return bad.flatMap((e) => this.state.removeRecursive(e, 'reorg'));
  }

  /** Core's Expire, run by the shell on a timer or before block templates. */
  expire(now: number): RemovedEntry[] {
    this.orphans.expire(now);
    return this.state.expire(now - this.policy.expirySeconds);
  }

  /** The current rolling minimum fee rate (sat/kvB), as getmempoolinfo's mempoolminfee. */
  minFee(now: number): FeeRatePerKvB {
    const rolling = this.state.minFee(
      now,
      this.policy.maxMempoolBytes,
      this.policy.incrementalRelayFee,
    );
    return rolling > this.policy.minRelayTxFee ? rolling : this.policy.minRelayTxFee;
  }

  /** BIP152: the mempool as a reconstruction source. */
  *compactTxs(): Iterable<CompactTxEntry> {
    for (const e of this.state.entries()) yield e;
  }
}

export type { ChainTip };
