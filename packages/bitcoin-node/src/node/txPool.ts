import {
  type Block,
  checkTransaction,
  type OutPoint,
  type Transaction,
  transactionSizes,
  txid,
  wtxid,
} from '@keel/bitcoin';
import {
  blockScriptFlags,
  type Coin,
  checkTxInputs,
  isFinalTx,
  runScriptChecks,
} from '@keel/bitcoin/consensus';
import { transactionSigOpCost } from '@keel/bitcoin/script';
import type { Secp256k1Backend } from '@keel/crypto';
import { bytesToHex } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';

/** One transaction in the pool, with what the RPC reports about it. */
export interface PoolEntry {
  tx: Transaction;
  txid: Uint8Array;
  wtxid: Uint8Array;
  fee: bigint;
  vsize: number;
  weight: number;
  /** Seconds (the node's clock) when it entered. */
  time: number;
  /** Chain height when it entered. */
  height: number;
  /** Txids (display hex) of in-pool parents. */
  depends: string[];
  /** Core's GetTransactionSigOpCost. */
  sigopCost: number;
}

export type PoolAcceptResult =
  | { ok: true; entry: PoolEntry }
  | {
      ok: false;
      reason: string;
      /** missing-inputs → orphan candidate; known → already in the pool. */
      kind: 'invalid' | 'missing-inputs' | 'known' | 'policy';
    };

/**
 * The node's view of a mempool: what the P2P layer, the RPC and block templates need. The
 * policy pool of `../mempool/` (Core's standardness, RBF, limits) implements it; `TxPool`
 * below implements it with consensus checks only.
 */
export interface NodeMempool {
  accept(tx: Transaction, o?: { dryRun?: boolean }): PoolAcceptResult;
  /** By txid or wtxid, internal-order hex. */
  get(idHex: string): PoolEntry | undefined;
  entries(): Iterable<PoolEntry>;
  readonly size: number;
  readonly bytes: number;
  /** An output created by a pool transaction. */
  coin(o: OutPoint): Coin | undefined;
  /** True when some pool transaction spends `o`. */
  isSpent(o: OutPoint): boolean;
  blockConnected(block: Block): void;
  blockDisconnected(block: Block): void;
}

const key = (o: OutPoint) => `${bytesToHex(o.txid)}:${o.vout}`;

/**
 * A pool with consensus rules only (no standardness or fee policy): final, inputs unspent in
 * the chain or the pool, amounts, maturity, every script with the next block's flags.
 */
export class TxPool implements NodeMempool {
  private readonly byTxid = new Map<string, PoolEntry>();
  private readonly byWtxid = new Map<string, PoolEntry>();
  private readonly spent = new Map<string, PoolEntry>();
  private totalBytes = 0;

  constructor(
    private readonly chain: ChainManager,
    private readonly secp: Secp256k1Backend,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.byTxid.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(idHex: string): PoolEntry | undefined {
    return this.byTxid.get(idHex) ?? this.byWtxid.get(idHex);
  }

  entries(): Iterable<PoolEntry> {
    return this.byTxid.values();
  }

  coin(o: OutPoint): Coin | undefined {
    const e = this.byTxid.get(bytesToHex(o.txid));
    const out = e?.tx.outputs[o.vout];
    if (!e || !out) return undefined;
    return {
      value: out.value,
      scriptPubKey: out.scriptPubKey,
      height: 0x7fffffff,
      coinbase: false,
    };
  }

  isSpent(o: OutPoint): boolean {
    return this.spent.has(key(o));
  }

  accept(tx: Transaction, o: { dryRun?: boolean } = {}): PoolAcceptResult {
    const id = txid(tx);
    const idHex = bytesToHex(id);
    if (this.byTxid.has(idHex))
      return { ok: false, reason: 'txn-already-in-mempool', kind: 'known' };
    const basic = checkTransaction(tx);
    if (!basic.ok) return { ok: false, reason: basic.reason, kind: 'invalid' };
    if (
      tx.inputs[0]!.prevout.vout === 0xffffffff &&
      tx.inputs[0]!.prevout.txid.every((b) => b === 0)
    )
      return { ok: false, reason: 'coinbase', kind: 'invalid' };
    const height = this.chain.height + 1;
    const mtp = this.chain.medianTimePast(this.chain.tip);
    if (!isFinalTx(tx, height, mtp)) return { ok: false, reason: 'non-final', kind: 'policy' };
    const coins: (Coin | undefined)[] = [];
    const depends = new Set<string>();
    for (const input of tx.inputs) {
      if (this.spent.has(key(input.prevout))) {
        return { ok: false, reason: 'txn-mempool-conflict', kind: 'policy' };
      }
      const parent = this.coin(input.prevout);
      if (parent) depends.add(bytesToHex(input.prevout.txid.slice().reverse()));
      const c = parent ?? this.chain.cs.cache.get(input.prevout);
      coins.push(c && parent ? { ...c, height } : c);
    }
    if (coins.includes(undefined)) {
      for (let i = 0; i < tx.outputs.length; i++) {
        if (this.chain.cs.cache.get({ txid: id, vout: i })) {
          return { ok: false, reason: 'txn-already-known', kind: 'known' };
        }
      }
      return { ok: false, reason: 'bad-txns-inputs-missingorspent', kind: 'missing-inputs' };
    }
    const inputs = checkTxInputs(tx, coins, height);
    if (!inputs.ok) return { ok: false, reason: inputs.reason, kind: 'invalid' };
    const flags = blockScriptFlags(height, new Uint8Array(32), this.chain.params);
    const spentOutputs = coins.map((c) => ({ value: c!.value, scriptPubKey: c!.scriptPubKey }));
    const jobs = tx.inputs.map((_, inputIndex) => ({
      txIndex: 0,
      inputIndex,
      tx,
      spentOutputs,
      flags,
    }));
    const v = runScriptChecks(jobs, this.secp);
    if (!v.ok) {
      return {
        ok: false,
        reason: `mandatory-script-verify-flag-failed (${v.reason})`,
        kind: 'invalid',
      };
    }
    const sizes = transactionSizes(tx);
    const entry: PoolEntry = {
      tx,
      txid: id,
      wtxid: wtxid(tx),
      fee: inputs.fee,
      vsize: Math.ceil(sizes.weight / 4),
      weight: sizes.weight,
      time: Math.floor(this.now() / 1000),
      height: this.chain.height,
      depends: [...depends],
      sigopCost: transactionSigOpCost(tx, spentOutputs, { p2sh: true, witness: true }),
    };
    if (!o.dryRun) this.add(entry, sizes.total);
    return { ok: true, entry };
  }

  private add(e: PoolEntry, bytes: number): void {
    this.byTxid.set(bytesToHex(e.txid), e);
    this.byWtxid.set(bytesToHex(e.wtxid), e);
    for (const i of e.tx.inputs) this.spent.set(key(i.prevout), e);
    this.totalBytes += bytes;
  }

  private remove(e: PoolEntry): void {
    if (!this.byTxid.delete(bytesToHex(e.txid))) return;
    this.byWtxid.delete(bytesToHex(e.wtxid));
    for (const i of e.tx.inputs) this.spent.delete(key(i.prevout));
    this.totalBytes -= transactionSizes(e.tx).total;
    // descendants spend outputs that no longer exist
    for (let v = 0; v < e.tx.outputs.length; v++) {
      const child = this.spent.get(key({ txid: e.txid, vout: v }));
      if (child) this.remove(child);
    }
  }

  /** Confirmed transactions leave; so do pool transactions that conflict with the block. */
  blockConnected(block: Block): void {
    for (const tx of block.txs) {
      const e = this.byTxid.get(bytesToHex(txid(tx)));
      if (e) {
        this.byTxid.delete(bytesToHex(e.txid));
        this.byWtxid.delete(bytesToHex(e.wtxid));
        for (const i of e.tx.inputs) this.spent.delete(key(i.prevout));
        this.totalBytes -= transactionSizes(e.tx).total;
        continue;
      }
      for (const i of tx.inputs) {
        const c = this.spent.get(key(i.prevout));
        if (c) this.remove(c);
      }
    }
  }

  /** Transactions of a disconnected block come back when they are still valid. */
  blockDisconnected(block: Block): void {
    for (const tx of block.txs.slice(1)) this.accept(tx);
  }
}
