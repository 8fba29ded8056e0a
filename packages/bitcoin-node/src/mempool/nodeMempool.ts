/**
 * The policy mempool behind the node's `NodeMempool` interface (src/node/txPool.ts), so the
 * P2P layer, RPC and block templates use Core's policy instead of the consensus-only TxPool.
 * Synchronous, like the chainstate's coin cache it reads. `policyMempoolFromChain` matches the
 * node's `mempool` factory option.
 */
import type { Block, Coin, OutPoint, Transaction } from '@keel/bitcoin';
import type { Secp256k1Backend } from '@keel/crypto';
import { bytesToHex } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';
import type { NodeMempool, PoolAcceptResult, PoolEntry } from '../node/txPool.ts';
import type { AcceptContext, AcceptRejected, ChainTip } from './accept.ts';
import { MempoolCore, type MempoolCoreOptions } from './core.ts';
import type { MempoolEntry } from './entry.ts';

export interface PolicyMempoolOptions extends MempoolCoreOptions {
  /** The chain's unspent coin (the chainstate cache), synchronously. */
  coin(o: OutPoint): Coin | undefined;
  tip(): ChainTip;
  /** Milliseconds since the epoch. */
  now(): number;
}

const KNOWN = new Set([
  'txn-already-in-mempool',
  'txn-same-nonwitness-data-in-mempool',
  'txn-already-known',
]);

function kindOf(r: AcceptRejected): 'invalid' | 'missing-inputs' | 'known' | 'policy' {
  if (r.kind === 'missing-inputs') return 'missing-inputs';
  if (KNOWN.has(r.reason)) return 'known';
  return r.kind === 'consensus' ? 'invalid' : 'policy';
}

export class PolicyMempool implements NodeMempool {
  readonly core: MempoolCore;

  constructor(private readonly o: PolicyMempoolOptions) {
    this.core = new MempoolCore(o);
  }

  private ctx(extra: Partial<AcceptContext> = {}): AcceptContext {
    return { now: Math.floor(this.o.now() / 1000), tip: this.o.tip(), coin: this.o.coin, ...extra };
  }

  private view(e: MempoolEntry): PoolEntry {
    return {
      tx: e.tx,
      txid: e.txid,
      wtxid: e.wtxid,
      fee: e.fee,
      vsize: e.vsize,
      weight: e.weight,
      time: e.time,
      height: e.height,
      depends: [...e.parents].map((p) => bytesToHex(p.txid.slice().reverse())),
      sigopCost: e.sigopCost,
    };
  }

  accept(tx: Transaction, o: { dryRun?: boolean } = {}): PoolAcceptResult {
    const r = this.core.accept(tx, this.ctx({ testOnly: o.dryRun === true }));
    if (r.ok) return { ok: true, entry: this.view(r.entry) };
    const reason = r.detail ? `${r.reason} (${r.detail})` : r.reason;
    return { ok: false, reason: r.kind === 'missing-inputs' ? r.reason : reason, kind: kindOf(r) };
  }

  get(idHex: string): PoolEntry | undefined {
    const e = this.core.state.getByKey(idHex) ?? this.byWtxidHex(idHex);
    return e ? this.view(e) : undefined;
  }

  private byWtxidHex(idHex: string): MempoolEntry | undefined {
    if (!/^[0-9a-f]{64}$/.test(idHex)) return undefined;
    const bytes = Uint8Array.from(idHex.match(/../g)!, (h) => Number.parseInt(h, 16));
    return this.core.state.getByWtxid(bytes);
  }

  *entries(): Iterable<PoolEntry> {
    for (const e of this.core.state.entries()) yield this.view(e);
  }

  get size(): number {
    return this.core.state.size;
  }

  /** Sum of virtual sizes (getmempoolinfo's `bytes`). */
  get bytes(): number {
    return this.core.state.totalVsize;
  }

  coin(o: OutPoint): Coin | undefined {
    const out = this.core.state.get(o.txid)?.tx.outputs[o.vout];
    return out
      ? { value: out.value, scriptPubKey: out.scriptPubKey, height: 0x7fffffff, coinbase: false }
      : undefined;
  }

  isSpent(o: OutPoint): boolean {
    return this.core.state.spender(o) !== undefined;
  }

  blockConnected(block: Block): void {
    this.core.blockConnected(block, Math.floor(this.o.now() / 1000));
  }

  /** Call after the chainstate has undone the block (the tip and coins are the new ones). */
  blockDisconnected(block: Block): void {
    this.core.blocksDisconnected([block], this.ctx());
  }
}

/** The node's `mempool` factory: Core's policy over the chain manager's chainstate. */
export function policyMempoolFromChain(
  chain: ChainManager,
  backend: Secp256k1Backend,
  now: () => number,
  options: Omit<MempoolCoreOptions, 'backend'> = {},
): PolicyMempool {
  return new PolicyMempool({
    ...options,
    backend,
    now,
    coin: (o) => chain.cs.cache.get(o),
    tip: () => ({
      height: chain.height,
      medianTimePast: chain.medianTimePast(chain.tip),
      medianTimePastAt: (h) => {
        const e = chain.atHeight(h);
        return e ? chain.medianTimePast(e) : chain.medianTimePast(chain.tip);
      },
    }),
  });
}
