/**
 * keel's own regtest chain as a TemplateProvider: genesis from @keel/bitcoin's regtest params,
 * an in-memory UTXO view and a small mempool. Templates carry the BIP34 height, the witness
 * commitment when a transaction has a witness, and subsidy + fees as the coinbase value. A
 * solution is rebuilt into a block and run through CheckBlock, the contextual checks and
 * ConnectBlock (with every input script); an accepted block extends the chain, and the
 * listeners get a future template for the next height followed by its SetNewPrevHash.
 */
import {
  bip34HeightPrefix,
  blockSubsidy,
  type Coin,
  type CoinView,
  type ConsensusParams,
  createArrayChainView,
  type HeaderInfo,
  MemoryCoinView,
  medianTimePast,
  networks,
  outpointKey,
  targetFromBits,
  validateBlock,
  witnessMerkleRoot,
} from '@keel/bitcoin/consensus';
import {
  type Block,
  blockHash,
  computeMerkleRoot,
  decodeBlock,
  decodeTransaction,
  encodeBlock,
  encodeTransaction,
  hasWitness,
  type OutPoint,
  type Transaction,
  txid,
  wtxid,
} from '@keel/bitcoin/primitives';
import { sha256d } from '@keel/crypto/hashes';
import { nobleSecp256k1, type Secp256k1Backend } from '@keel/crypto/secp256k1';
import {
  coinbaseMerklePath,
  encodeCoinbaseOutput,
  type NewTemplate,
  type SetNewPrevHash,
  type SubmitResult,
  type SubmitSolution,
  type TemplateListener,
  type TemplateProvider,
  targetToU256,
} from '@keel/stratum';
import { bytesToHex, concatBytes, equalBytes, type Logger, nullLogger } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';

export interface RegtestSourceOptions {
  readonly params?: ConsensusParams;
  /** Unix seconds; injected so tests can drive time. Default: the wall clock. */
  readonly now?: () => number;
  readonly backend?: Secp256k1Backend;
  readonly logger?: Logger;
  /** Extra bytes after the BIP34 height in the coinbase scriptSig (a pool tag). */
  readonly coinbaseTag?: Uint8Array;
  /** Templates remembered for late solutions. Default 16. */
  readonly maxTemplates?: number;
}

interface StoredTemplate {
  readonly template: NewTemplate;
  readonly height: number;
  readonly prevHash: Uint8Array;
  readonly txs: readonly Transaction[];
}

export interface RegtestBlockRecord {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly block: Uint8Array;
}

const WITNESS_COMMITMENT_HEADER = Uint8Array.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]);

export class RegtestTemplateSource implements TemplateProvider {
  readonly params: ConsensusParams;
  readonly view = new MemoryCoinView();
  private readonly headers: HeaderInfo[] = [];
  private readonly blocks: RegtestBlockRecord[] = [];
  private readonly mempool: Transaction[] = [];
  private readonly templates = new Map<bigint, StoredTemplate>();
  private readonly listeners = new Set<TemplateListener>();
  private readonly now: () => number;
  private readonly backend: Secp256k1Backend;
  private readonly log: Logger;
  private readonly tag: Uint8Array;
  private readonly maxTemplates: number;
  private nextTemplateId = 1n;
  private current: StoredTemplate | undefined;

  constructor(o: RegtestSourceOptions = {}) {
    this.params = o.params ?? networks.regtest;
    this.now = o.now ?? (() => Math.floor(Date.now() / 1000));
    this.backend = o.backend ?? nobleSecp256k1;
    this.log = o.logger ?? nullLogger;
    this.tag = o.coinbaseTag ?? new Uint8Array(0);
    this.maxTemplates = o.maxTemplates ?? 16;
    const g = this.params.genesis;
    this.headers.push({
      height: 0,
      time: g.header.time,
      bits: g.header.bits,
      version: g.header.version,
      hash: this.params.genesisHash,
    });
    this.blocks.push({ height: 0, hash: this.params.genesisHash, block: encodeBlock(g) });
  }

  get tip(): HeaderInfo {
    return this.headers[this.headers.length - 1]!;
  }

  /** Serialized blocks of the chain, genesis first. */
  get chain(): readonly RegtestBlockRecord[] {
    return this.blocks;
  }

  /** The template's transactions, serialized (TDP RequestTransactionData). */
  transactionData(templateId: bigint): readonly Uint8Array[] | undefined {
    return this.templates.get(templateId)?.txs.map((t) => encodeTransaction(t));
  }

  subscribe(listener: TemplateListener, _coinbaseOutputMaxAdditionalSize: number): () => void {
    this.listeners.add(listener);
    if (this.current === undefined) this.current = this.buildTemplate(true);
    listener.onNewTemplate({ ...this.current.template, futureTemplate: true });
    listener.onSetNewPrevHash(this.prevHashFor(this.current));
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Adds a transaction to the mempool after checking it connects on the current tip (inputs
   * exist, amounts, scripts); announces a new (non-future) template with it.
   */
  addTransaction(tx: Transaction): void {
    const height = this.tip.height + 1;
    const trial: Block = {
      header: {
        version: 0x20000000,
        prevBlock: this.tip.hash,
        merkleRoot: new Uint8Array(32),
        time: this.nextTime(),
        bits: this.tip.bits,
        nonce: 0,
      },
      txs: [],
    };
    const txs = [...this.mempool, tx];
    trial.txs = [this.trialCoinbase(height, txs), ...txs];
    // Connect without PoW on an overlay of the view to learn whether the tx fits.
    const r = validateBlock(fillRoots(trial), new OverlayCoinView(this.view), {
      params: this.params,
      height,
      checkPoW: false,
      backend: this.backend,
    });
    if (!r.ok) {
      throw new StratumNodeError(
        StratumNodeErrorCode.TEMPLATE,
        `transaction rejected: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`,
      );
    }
    this.mempool.push(tx);
    this.current = this.buildTemplate(false);
    for (const l of this.listeners) l.onNewTemplate(this.current.template);
  }

  async submitSolution(s: SubmitSolution): Promise<SubmitResult> {
    const stored = this.templates.get(s.templateId);
    if (stored === undefined) return { accepted: false, reason: 'unknown-template' };
    if (stored.height !== this.tip.height + 1) return { accepted: false, reason: 'stale-template' };
    let coinbase: Transaction;
    try {
      coinbase = decodeTransaction(s.coinbaseTx);
    } catch (e) {
      return { accepted: false, reason: `bad-coinbase-encoding: ${(e as Error).message}` };
    }
    const block: Block = fillRoots({
      header: {
        version: s.version | 0,
        prevBlock: stored.prevHash,
        merkleRoot: new Uint8Array(32),
        time: s.headerTimestamp,
        bits: this.tip.bits,
        nonce: s.headerNonce | 0,
      },
      txs: [coinbase, ...stored.txs],
    });
    return this.acceptBlock(block);
  }

  /**
   * A whole serialized block (a Job Declaration custom job, or a peer's): full validation on the
   * tip, then it extends the chain like a solved template.
   */
  async submitBlock(bytes: Uint8Array): Promise<SubmitResult> {
    let block: Block;
    try {
      block = decodeBlock(bytes);
    } catch (e) {
      return { accepted: false, reason: `bad-block-encoding: ${(e as Error).message}` };
    }
    const hash = blockHash(block.header);
    if (this.headers.some((h) => equalBytes(h.hash, hash))) {
      return { accepted: false, reason: 'duplicate' };
    }
    if (!equalBytes(block.header.prevBlock, this.tip.hash)) {
      return { accepted: false, reason: 'prev-blk-not-found' };
    }
    return this.acceptBlock(block);
  }

  private acceptBlock(block: Block): SubmitResult {
    const height = this.tip.height + 1;
    const r = validateBlock(block, this.view, {
      params: this.params,
      height,
      prev: this.tip,
      chain: createArrayChainView(this.headers),
      adjustedTime: this.now(),
      backend: this.backend,
    });
    if (!r.ok) {
      this.log.warn({ height, reason: r.reason, detail: r.detail }, 'solution rejected');
      return { accepted: false, reason: r.reason };
    }
    const hash = blockHash(block.header);
    this.headers.push({
      height,
      time: block.header.time,
      bits: block.header.bits,
      version: block.header.version,
      hash,
    });
    this.blocks.push({ height, hash, block: encodeBlock(block) });
    const included = new Set(block.txs.slice(1).map((t) => bytesKey(txid(t))));
    for (let i = this.mempool.length - 1; i >= 0; i--)
      if (included.has(bytesKey(txid(this.mempool[i]!)))) this.mempool.splice(i, 1);
    this.log.info({ height }, 'block accepted');
    this.current = this.buildTemplate(true);
    for (const l of this.listeners) l.onNewTemplate(this.current.template);
    const p = this.prevHashFor(this.current);
    for (const l of this.listeners) l.onSetNewPrevHash(p);
    return { accepted: true, blockHash: hash, height };
  }

  /** Job Declaration: a mempool transaction by wtxid (internal byte order), serialized. */
  transactionByWtxid(id: Uint8Array): Uint8Array | undefined {
    const tx = this.mempool.find((t) => equalBytes(wtxid(t), id));
    return tx ? encodeTransaction(tx) : undefined;
  }

  /**
   * Job Declaration policy: would these transactions, in this order, make a valid block on the
   * tip (inputs exist and are unspent, scripts, amounts, weight and sigops)? `undefined` = yes,
   * else the consensus reason.
   */
  checkTransactions(txs: readonly Uint8Array[]): string | undefined {
    let decoded: Transaction[];
    try {
      decoded = txs.map((t) => decodeTransaction(t));
    } catch (e) {
      return `bad-txns-encoding: ${(e as Error).message}`;
    }
    const height = this.tip.height + 1;
    const trial: Block = {
      header: {
        version: 0x20000000,
        prevBlock: this.tip.hash,
        merkleRoot: new Uint8Array(32),
        time: this.nextTime(),
        bits: this.tip.bits,
        nonce: 0,
      },
      txs: [],
    };
    trial.txs = [this.trialCoinbase(height, decoded), ...decoded];
    const r = validateBlock(fillRoots(trial), new OverlayCoinView(this.view), {
      params: this.params,
      height,
      checkPoW: false,
      backend: this.backend,
    });
    return r.ok ? undefined : `${r.reason}${r.detail ? ` (${r.detail})` : ''}`;
  }

  private nextTime(): number {
    const mtp = medianTimePast(createArrayChainView(this.headers), this.tip.height);
    return Math.max(this.now(), mtp + 1);
  }

  private prevHashFor(t: StoredTemplate): SetNewPrevHash {
    return {
      templateId: t.template.templateId,
      prevHash: t.prevHash,
      headerTimestamp: this.nextTime(),
      nBits: this.tip.bits,
      target: targetToU256(targetFromBits(this.tip.bits, this.params.powLimit) ?? 0n),
    };
  }

  /** A coinbase paying nothing, with the template's outputs, for trial connects. */
  private trialCoinbase(height: number, txs: readonly Transaction[]): Transaction {
    const commitment = this.witnessCommitment(height, txs);
    return {
      version: 2,
      inputs: [
        {
          prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
          scriptSig: concatBytes(bip34HeightPrefix(height), new Uint8Array(8)),
          sequence: 0xffffffff,
          witness: commitment ? [new Uint8Array(32)] : [],
        },
      ],
      outputs: [
        { value: 0n, scriptPubKey: Uint8Array.of(0x6a) },
        ...(commitment ? [{ value: 0n, scriptPubKey: commitment }] : []),
      ],
      locktime: 0,
    };
  }

  /** BIP141 commitment script, or undefined when no transaction has a witness. */
  private witnessCommitment(height: number, txs: readonly Transaction[]): Uint8Array | undefined {
    if (!txs.some(hasWitness)) return undefined;
    const placeholder: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
          scriptSig: bip34HeightPrefix(height),
          sequence: 0,
          witness: [],
        },
      ],
      outputs: [],
      locktime: 0,
    };
    // The coinbase's wtxid counts as zero, so the placeholder's contents do not matter.
    const wroot = witnessMerkleRoot({ header: undefined as never, txs: [placeholder, ...txs] });
    const commitment = sha256d(concatBytes(wroot, new Uint8Array(32)));
    return concatBytes(WITNESS_COMMITMENT_HEADER, commitment);
  }

  private buildTemplate(future: boolean): StoredTemplate {
    const height = this.tip.height + 1;
    const txs = [...this.mempool];
    let fees = 0n;
    for (const tx of txs) fees += this.feeOf(tx);
    const outputs: Uint8Array[] = [];
    const commitment = this.witnessCommitment(height, txs);
    if (commitment) outputs.push(encodeCoinbaseOutput({ value: 0n, scriptPubKey: commitment }));
    const template: NewTemplate = {
      templateId: this.nextTemplateId++,
      futureTemplate: future,
      version: 0x20000000,
      coinbaseTxVersion: 2,
      coinbasePrefix: concatBytes(bip34HeightPrefix(height), this.tag),
      coinbaseTxInputSequence: 0xffffffff,
      coinbaseTxValueRemaining: blockSubsidy(height, this.params) + fees,
      coinbaseTxOutputs: outputs,
      coinbaseTxLocktime: 0,
      merklePath: coinbaseMerklePath(txs.map(txid)),
    };
    const stored: StoredTemplate = { template, height, prevHash: this.tip.hash, txs };
    this.templates.set(template.templateId, stored);
    while (this.templates.size > this.maxTemplates)
      this.templates.delete(this.templates.keys().next().value as bigint);
    return stored;
  }

  private feeOf(tx: Transaction): bigint {
    let inSum = 0n;
    for (const i of tx.inputs) {
      const c = this.view.get(i.prevout) ?? this.mempoolOutput(i.prevout.txid, i.prevout.vout);
      if (c === undefined) {
        throw new StratumNodeError(StratumNodeErrorCode.TEMPLATE, 'mempool input vanished');
      }
      inSum += c.value;
    }
    return inSum - tx.outputs.reduce((s, o) => s + o.value, 0n);
  }

  private mempoolOutput(id: Uint8Array, vout: number): { value: bigint } | undefined {
    for (const tx of this.mempool) {
      if (equalBytes(txid(tx), id)) return tx.outputs[vout];
    }
    return undefined;
  }
}

function fillRoots(block: Block): Block {
  block.header.merkleRoot = computeMerkleRoot(block.txs.map(txid)).root;
  return block;
}

/** Reads through to a base view; writes stay local (a trial connect leaves the base alone). */
class OverlayCoinView implements CoinView {
  private readonly added = new Map<string, Coin>();
  private readonly spent = new Set<string>();
  constructor(private readonly base: CoinView) {}
  get(o: OutPoint): Coin | undefined {
    const k = outpointKey(o);
    if (this.spent.has(k)) return undefined;
    return this.added.get(k) ?? this.base.get(o);
  }
  has(o: OutPoint): boolean {
    return this.get(o) !== undefined;
  }
  add(o: OutPoint, coin: Coin, _overwrite: boolean): void {
    const k = outpointKey(o);
    this.spent.delete(k);
    this.added.set(k, coin);
  }
  spend(o: OutPoint): Coin | undefined {
    const c = this.get(o);
    if (c !== undefined) {
      const k = outpointKey(o);
      this.added.delete(k);
      this.spent.add(k);
    }
    return c;
  }
}

function bytesKey(b: Uint8Array): string {
  return bytesToHex(b);
}
