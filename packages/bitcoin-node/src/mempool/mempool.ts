/**
 * The mempool's thin I/O shell: it fetches the coins a transaction spends from the chainstate
 * (asynchronously, through `MempoolUtxoSource`), reads the tip and the clock, and hands them
 * to the pure `MempoolCore`. G's node wires `utxos` to @keel/bitcoin-store's chainstate.
 */
import { type Block, type Coin, type OutPoint, type Transaction, txid } from '@keel/bitcoin';
import type { Clock } from '@keel/util';
import type { AcceptContext, AcceptResult, ChainTip } from './accept.ts';
import { type BlockConnectedResult, MempoolCore, type MempoolCoreOptions } from './core.ts';
import type { MempoolEntry } from './entry.ts';
import { feeRateOf } from './policy.ts';
import type { RemovedEntry } from './pool.ts';

/** The chain's UTXO set at the tip. */
export interface MempoolUtxoSource {
  getCoins(outpoints: readonly OutPoint[]): Promise<(Coin | undefined)[]>;
}

export interface MempoolOptions extends MempoolCoreOptions {
  utxos: MempoolUtxoSource;
  /** The active chain's tip (read at every call). */
  tip: () => ChainTip;
  clock: Clock;
}

/** getmempoolinfo's numbers. */
export interface MempoolInfo {
  size: number;
  bytes: number;
  usage: number;
  totalFee: bigint;
  maxMempool: number;
  /** sat/kvB */
  mempoolMinFee: bigint;
  minRelayTxFee: bigint;
  incrementalRelayFee: bigint;
  fullRbf: boolean;
}

const key = (o: OutPoint) => `${o.vout}:${o.txid.join(',')}`;

export class Mempool {
  readonly core: MempoolCore;
  private readonly o: MempoolOptions;

  constructor(o: MempoolOptions) {
    this.o = o;
    this.core = new MempoolCore(o);
  }

  private nowSeconds(): number {
    return Math.floor(this.o.clock.now() / 1000);
  }

  /** Prefetches the chain coins `txs` may spend, as a synchronous lookup for the core. */
  private async context(
    txs: readonly Transaction[],
    extra: Partial<AcceptContext> = {},
  ): Promise<AcceptContext> {
    const wanted = txs.flatMap((tx) => tx.inputs.map((i) => i.prevout));
    // Outputs of the transactions themselves: "txn-already-known" checks and reorg re-adds.
    for (const tx of txs) {
      const id = txid(tx);
      for (let vout = 0; vout < tx.outputs.length; vout++) wanted.push({ txid: id, vout });
    }
    const coins = await this.o.utxos.getCoins(wanted);
    const map = new Map<string, Coin>();
    wanted.forEach((o, i) => {
      const c = coins[i];
      if (c) map.set(key(o), c);
    });
    return { now: this.nowSeconds(), tip: this.o.tip(), coin: (o) => map.get(key(o)), ...extra };
  }

  /** sendrawtransaction / a `tx` message: admit it, then the orphans it unblocks. */
  async accept(
    tx: Transaction,
    from = '',
  ): Promise<{ result: AcceptResult; orphansAccepted: MempoolEntry[] }> {
    const result = this.core.acceptOrOrphan(tx, await this.context([tx]), from);
    if (!result.ok) return { result, orphansAccepted: [] };
    const candidates = this.core.orphanCandidates(result.entry);
    if (candidates.length === 0) return { result, orphansAccepted: [] };
    const ctx = await this.context(candidates);
    return { result, orphansAccepted: this.core.processOrphans(result.entry, ctx) };
  }

  /** testmempoolaccept: every check, no change. */
  async testAccept(tx: Transaction): Promise<AcceptResult> {
    return this.core.accept(tx, await this.context([tx], { testOnly: true }));
  }

  blockConnected(block: Block): BlockConnectedResult {
    return this.core.blockConnected(block, this.nowSeconds());
  }

  /** After a reorg: `disconnected` tip first; `tip()` must already return the new tip. */
  async blocksDisconnected(disconnected: readonly Block[]): Promise<RemovedEntry[]> {
    const txs = disconnected.flatMap((b) => b.txs.slice(1));
    const existing = [...this.core.state.entries()].map((e) => e.tx);
    return this.core.blocksDisconnected(disconnected, await this.context([...txs, ...existing]));
  }

  expire(): RemovedEntry[] {
    return this.core.expire(this.nowSeconds());
  }

  get(txid: Uint8Array): MempoolEntry | undefined {
    return this.core.state.get(txid);
  }

  entries(): IterableIterator<MempoolEntry> {
    return this.core.state.entries();
  }

  info(): MempoolInfo {
    const { state, policy } = this.core;
    return {
      size: state.size,
      bytes: state.totalVsize,
      usage: state.usage,
      totalFee: state.fees,
      maxMempool: policy.maxMempoolBytes,
      mempoolMinFee: this.core.minFee(this.nowSeconds()),
      minRelayTxFee: policy.minRelayTxFee,
      incrementalRelayFee: policy.incrementalRelayFee,
      fullRbf: policy.fullRbf,
    };
  }

  /** Ancestor/descendant figures for getmempoolentry. */
  entryInfo(e: MempoolEntry): {
    ancestorCount: number;
    ancestorSize: number;
    ancestorFees: bigint;
    descendantCount: number;
    descendantSize: number;
    descendantFees: bigint;
    feeRate: bigint;
  } {
    const anc = [...this.core.state.ancestors(e), e];
    const desc = [...this.core.state.descendants(e), e];
    const sum = (xs: MempoolEntry[]) =>
      xs.reduce((a, x) => ({ fee: a.fee + x.fee, vsize: a.vsize + x.vsize }), {
        fee: 0n,
        vsize: 0,
      });
    const a = sum(anc);
    const d = sum(desc);
    return {
      ancestorCount: anc.length,
      ancestorSize: a.vsize,
      ancestorFees: a.fee,
      descendantCount: desc.length,
      descendantSize: d.vsize,
      descendantFees: d.fee,
      feeRate: feeRateOf(e.fee, e.vsize),
    };
  }
}
