// The node as a Stratum V2 template source: `TemplateProvider` (types from @keel/stratum, the
// edge ARCHITECTURE.md allows) over the chain manager and the mempool, so a Template
// Distribution server, a pool or a Job Declarator can mine on keel's own node.
import {
  type Block,
  blockHash,
  coinbaseMerklePath,
  computeMerkleRoot,
  decodeTransaction,
  encodeTransaction,
  type Transaction,
  txid,
} from '@keel/bitcoin';
import { bip34HeightPrefix, compactToTarget } from '@keel/bitcoin/consensus';
import type {
  NewTemplate,
  SetNewPrevHash,
  SubmitResult,
  SubmitSolution,
  TemplateListener,
  TemplateProvider,
} from '@keel/stratum';
import { BufferWriter, concatBytes, equalBytes } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';
import { type BlockTemplate, createTemplate } from './template.ts';
import type { NodeMempool } from './txPool.ts';

export interface NodeTemplateProviderOptions {
  /** Unix seconds (the node's adjusted time). */
  readonly now: () => number;
  /**
   * A new (non-future) template is announced when the mempool's fees for the next block grew
   * by at least this many satoshis since the last one (SRI's template provider and Core's
   * `-sv2feedelta` use the same idea). Default 1,000 sat.
   */
  readonly feeThreshold?: bigint;
  /** How often the mempool is looked at, ms (default 1,000). */
  readonly pollMs?: number;
  /** Bytes after the BIP34 height in the coinbase scriptSig (default "/keel/"). */
  readonly coinbaseTag?: Uint8Array;
  /** Templates remembered for SubmitSolution / RequestTransactionData (default 32). */
  readonly maxTemplates?: number;
}

interface Stored {
  readonly t: BlockTemplate;
  readonly txs: readonly Transaction[];
  readonly template: NewTemplate;
}

/** Serialized coinbase output: u64 value ‖ compact size ‖ script. */
function encodeOutput(value: bigint, script: Uint8Array): Uint8Array {
  return new BufferWriter(9 + script.length).u64le(value).varBytes(script).finish();
}

function targetU256(bits: number): Uint8Array {
  const t = compactToTarget(bits).target;
  const out = new Uint8Array(32);
  let v = t;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export class NodeTemplateProvider implements TemplateProvider {
  private readonly listeners = new Set<TemplateListener>();
  private readonly templates = new Map<bigint, Stored>();
  private nextId = 1n;
  private current: Stored | undefined;
  private lastPool = { size: -1, bytes: -1 };
  private unsubscribeChain: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly tag: Uint8Array;

  constructor(
    private readonly chain: ChainManager,
    private readonly pool: NodeMempool,
    private readonly o: NodeTemplateProviderOptions,
  ) {
    this.tag = o.coinbaseTag ?? new TextEncoder().encode('/keel/');
  }

  subscribe(listener: TemplateListener, _coinbaseOutputMaxAdditionalSize: number): () => void {
    this.listeners.add(listener);
    if (!this.unsubscribeChain) {
      this.unsubscribeChain = this.chain.subscribe({ tip: () => this.onTip() });
      this.timer = setInterval(() => this.onPoll(), this.o.pollMs ?? 1000);
      this.timer.unref();
    }
    this.current ??= this.build(true);
    listener.onNewTemplate({ ...this.current.template, futureTemplate: true });
    listener.onSetNewPrevHash(this.prevHashFor(this.current));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Stops watching the chain and the mempool. */
  close(): void {
    this.unsubscribeChain?.();
    this.unsubscribeChain = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** TDP RequestTransactionData: the template's transactions, serialized. */
  transactionData(templateId: bigint): readonly Uint8Array[] | undefined {
    return this.templates.get(templateId)?.txs.map((t) => encodeTransaction(t));
  }

  async submitSolution(s: SubmitSolution): Promise<SubmitResult> {
    const stored = this.templates.get(s.templateId);
    if (!stored) return { accepted: false, reason: 'unknown-template' };
    let coinbase: Transaction;
    try {
      coinbase = decodeTransaction(s.coinbaseTx);
    } catch (e) {
      return { accepted: false, reason: `bad-coinbase-encoding: ${(e as Error).message}` };
    }
    const txs = [coinbase, ...stored.txs];
    const block: Block = {
      header: {
        version: s.version | 0,
        prevBlock: stored.t.prev,
        merkleRoot: computeMerkleRoot(txs.map(txid)).root,
        time: s.headerTimestamp,
        bits: stored.t.bits,
        nonce: s.headerNonce | 0,
      },
      txs,
    };
    const r = await this.chain.acceptBlock(block, { requested: true });
    switch (r.status) {
      case 'accepted':
        return this.chain.isActive(r.entry)
          ? { accepted: true, blockHash: blockHash(block.header), height: r.entry.height }
          : { accepted: false, reason: 'inconclusive' };
      case 'duplicate':
        return { accepted: false, reason: r.entry.invalid ? 'duplicate-invalid' : 'duplicate' };
      case 'invalid':
        return { accepted: false, reason: r.reason };
      default:
        return { accepted: false, reason: 'inconclusive' };
    }
  }

  private onTip(): void {
    if (this.current && equalBytes(this.current.t.prev, this.chain.tip.hash)) return;
    this.current = this.build(true);
    for (const l of this.listeners) l.onNewTemplate(this.current.template);
    const p = this.prevHashFor(this.current);
    for (const l of this.listeners) l.onSetNewPrevHash(p);
  }

  private onPoll(): void {
    const cur = this.current;
    if (!cur || !equalBytes(cur.t.prev, this.chain.tip.hash)) {
      this.onTip();
      return;
    }
    if (this.pool.size === this.lastPool.size && this.pool.bytes === this.lastPool.bytes) return;
    const next = createTemplate(this.chain, this.pool, this.o.now());
    this.lastPool = { size: this.pool.size, bytes: this.pool.bytes };
    if (next.fees - cur.t.fees < (this.o.feeThreshold ?? 1000n)) return;
    this.current = this.store(next, false);
    for (const l of this.listeners) l.onNewTemplate(this.current.template);
  }

  private build(future: boolean): Stored {
    this.lastPool = { size: this.pool.size, bytes: this.pool.bytes };
    return this.store(createTemplate(this.chain, this.pool, this.o.now()), future);
  }

  private store(t: BlockTemplate, future: boolean): Stored {
    const txs = t.entries.map((e) => e.tx);
    const template: NewTemplate = {
      templateId: this.nextId++,
      futureTemplate: future,
      version: t.version,
      coinbaseTxVersion: 2,
      coinbasePrefix: concatBytes(bip34HeightPrefix(t.height), this.tag),
      coinbaseTxInputSequence: 0xffffffff,
      // the commitment output carries 0: everything else is the pool's to pay out
      coinbaseTxValueRemaining: t.coinbaseValue,
      coinbaseTxOutputs: [encodeOutput(0n, t.witnessCommitment)],
      coinbaseTxLocktime: 0,
      merklePath: coinbaseMerklePath(txs.map(txid)),
    };
    const stored: Stored = { t, txs, template };
    this.templates.set(template.templateId, stored);
    while (this.templates.size > (this.o.maxTemplates ?? 32)) {
      this.templates.delete(this.templates.keys().next().value as bigint);
    }
    return stored;
  }

  private prevHashFor(s: Stored): SetNewPrevHash {
    return {
      templateId: s.template.templateId,
      prevHash: s.t.prev,
      headerTimestamp: s.t.curtime,
      nBits: s.t.bits,
      target: targetU256(s.t.bits),
    };
  }
}
