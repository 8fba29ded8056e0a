import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KzgBackend } from '@keel/crypto/kzg';
import { CANCUN, runTx, type Transaction } from '@keel/evm';
import {
  checkL2Tx,
  createL2Genesis,
  type Deposit,
  deriveBatch,
  encodeBatch,
  encodeBatchBody,
  executeL2Block,
  L2BlockBuilder,
  type L2BlockData,
  type L2ChainParams,
  maxBlobData,
  OrderingMode,
  orderFair,
  orderFifo,
  orderPriority,
  type PendingTx,
  packBlobs,
} from '@keel/rollup';
import { bytesToHex, equalBytes, hexToBytes, type Logger, nullLogger } from '@keel/util';
import type { Hex } from 'viem';
import { L2Chain } from './chain.ts';
import type { RollupConfig } from './config.ts';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';
import { BatchPoster, L1Client, type SubmittedBatch } from './l1.ts';
import { WriteAheadLog } from './wal.ts';

/**
 * What the node reads from L1. `L1Client` does it over the chain's JSON-RPC; unit tests pass an
 * in-memory L1 so WAL replay and derivation run without a network.
 */
export interface L1Reader {
  head(): Promise<bigint>;
  timestamp(block: bigint): Promise<bigint>;
  deposits(bridge: Hex, from: bigint, to: bigint): Promise<Deposit[]>;
  batches(rollup: Hex, from: bigint, to: bigint): Promise<SubmittedBatch[]>;
  /** The blobs of `hashes` in order, or undefined when L1 no longer has one of them. */
  blobs(l1Block: bigint, hashes: readonly Hex[]): Promise<Uint8Array[] | undefined>;
}

/** Posts one batch (`Rollup.submitBatch` in a blob tx) and resolves once L1 included it. */
export interface BatchSubmitter {
  readonly address: Hex;
  submit(
    rollup: Hex,
    blobs: readonly Uint8Array[],
    outputRoot: Uint8Array,
    lastL2Block: bigint,
  ): Promise<{ l1Block: bigint; blobGasUsed: bigint; blobBaseFee: bigint }>;
}

export interface RollupNodeOptions {
  readonly mode: 'sequencer' | 'verifier';
  readonly l1: string;
  readonly datadir: string;
  readonly config: RollupConfig;
  /** Sequencer only: the L1 key that posts batches (must be `config.sequencer`). */
  readonly sequencerKey?: Hex | undefined;
  readonly kzg?: KzgBackend | undefined;
  /** Replaces the JSON-RPC reader of `l1` (tests). */
  readonly l1Reader?: L1Reader | undefined;
  /** Replaces the blob-tx poster built from `sequencerKey` + `kzg` (tests). */
  readonly submitter?: BatchSubmitter | undefined;
  /** No timers: the caller drives `tick()`, `postBatch()` and `derive()` (tests, benchmarks). */
  readonly manual?: boolean | undefined;
  readonly ordering?: Exclude<OrderingMode, 'auction'> | undefined;
  readonly fairWindowMs?: number | undefined;
  readonly blockTimeMs?: number | undefined;
  readonly batchIntervalMs?: number | undefined;
  readonly pollMs?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Wall clock in ms (the sequencer's timestamps and first-seen times). */
  readonly now?: (() => number) | undefined;
}

export interface BatchStats {
  readonly index: bigint;
  readonly blocks: number;
  readonly txs: number;
  readonly rawTxBytes: number;
  readonly bodyBytes: number;
  readonly compressedBytes: number;
  readonly blobs: number;
  readonly blobGasUsed: bigint;
  readonly blobBaseFee: bigint;
  readonly l1Block: bigint;
}

/**
 * The L2 node. Sequencer: accepts txs (WAL first), seals blocks every `blockTimeMs` with the
 * configured ordering, posts batches to Rollup.sol as blob txs. Verifier: derives the chain
 * from BatchSubmitted events and blob sidecars alone and checks each posted output root.
 */
export class RollupNode {
  readonly opts: RollupNodeOptions;
  readonly chain: L2Chain;
  readonly params: L2ChainParams;
  readonly l1: L1Reader;
  readonly log: Logger;
  readonly stats: BatchStats[] = [];
  mismatches = 0;
  skipped = 0;
  #pool: PendingTx[] = [];
  #seq = 0;
  #wal: WriteAheadLog | undefined;
  #deposits: Deposit[] = [];
  #depositsScanned: bigint;
  #batchesScanned: bigint;
  #l1Head = 0n;
  #timers: NodeJS.Timeout[] = [];
  #busy = false;
  #posting = false;
  #poster: BatchSubmitter | undefined;
  #stopped = false;

  constructor(opts: RollupNodeOptions) {
    this.opts = opts;
    const c = opts.config;
    this.log = opts.logger ?? nullLogger;
    this.params = {
      chainId: BigInt(c.l2ChainId),
      coinbase: hexToBytes(c.sequencer),
      gasLimit: 30_000_000n,
      maxTimestampDrift: 600n,
    };
    const alloc = Object.entries(c.alloc).map(([a, w]) => [hexToBytes(a), BigInt(w)] as const);
    const g = createL2Genesis(alloc, BigInt(c.genesisTimestamp));
    this.chain = new L2Chain(g.state, g.header);
    this.l1 = opts.l1Reader ?? new L1Client(opts.l1);
    this.#depositsScanned = BigInt(c.deployBlock) - 1n;
    this.#batchesScanned = BigInt(c.deployBlock) - 1n;
  }

  get isSequencer(): boolean {
    return this.opts.mode === 'sequencer';
  }

  get pendingCount(): number {
    return this.#pool.length;
  }

  async start(): Promise<void> {
    mkdirSync(this.opts.datadir, { recursive: true });
    const head = await this.l1.head();
    this.#l1Head = head;
    if (this.isSequencer) {
      this.#poster = this.#makePoster();
      if (this.#poster.address.toLowerCase() !== this.opts.config.sequencer.toLowerCase()) {
        throw new RollupNodeError(
          RollupNodeErrorCode.INVALID_CONFIG,
          `sequencer key is ${this.#poster.address}, the rollup expects ${this.opts.config.sequencer}`,
        );
      }
      await this.#scanDeposits(head);
      this.#wal = new WriteAheadLog(join(this.opts.datadir, 'wal.log'));
      this.#replayWal();
      await this.#scanPostedBatches(head);
      if (this.opts.manual) return;
      const every = (ms: number, f: () => Promise<void>) =>
        this.#timers.push(setInterval(() => void this.#guard(f), ms));
      every(this.opts.blockTimeMs ?? 500, () => this.tick());
      every(this.opts.batchIntervalMs ?? 3000, () => this.postBatch());
    } else if (!this.opts.manual) {
      this.#timers.push(
        setInterval(() => void this.#guard(() => this.derive()), this.opts.pollMs ?? 500),
      );
    }
  }

  #makePoster(): BatchSubmitter {
    const o = this.opts;
    if (o.submitter) return o.submitter;
    if (!o.sequencerKey || !o.kzg) {
      throw new RollupNodeError(
        RollupNodeErrorCode.INVALID_CONFIG,
        'sequencer mode needs a sequencer key and a KZG backend',
      );
    }
    if (!(this.l1 instanceof L1Client)) {
      throw new RollupNodeError(
        RollupNodeErrorCode.INVALID_CONFIG,
        'an injected l1Reader needs an injected submitter',
      );
    }
    return new BatchPoster(this.l1, o.sequencerKey, o.kzg);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    for (let i = 0; i < 200 && (this.#busy || this.#posting); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#wal?.close();
  }

  async #guard(f: () => Promise<void>): Promise<void> {
    if (this.#stopped) return;
    try {
      await f();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'rollup node step failed (retrying)');
    }
  }

  #now(): number {
    return (this.opts.now ?? Date.now)();
  }

  // ---- sequencer -------------------------------------------------------------------------

  /** Admits a raw L2 tx (durable in the WAL before this returns); returns its hash. */
  submitTx(raw: Uint8Array): Hex {
    if (!this.isSequencer) {
      throw new RollupNodeError(
        RollupNodeErrorCode.TX_REJECTED,
        'a verifier accepts no transactions',
      );
    }
    const p = this.#admit(raw, this.#now());
    this.#wal!.append([{ t: 'tx', raw, seenMs: p.firstSeenMs }]);
    this.#pool.push(p);
    return `0x${bytesToHex(p.hash)}`;
  }

  #admit(raw: Uint8Array, seenMs: number): PendingTx {
    const c = checkL2Tx(raw, this.params.chainId);
    if (!c.ok) {
      throw new RollupNodeError(RollupNodeErrorCode.TX_REJECTED, `${c.reason}: ${c.message}`);
    }
    const have = this.chain.state.getNonce(c.sender);
    if (c.tx.nonce < have) {
      throw new RollupNodeError(
        RollupNodeErrorCode.TX_REJECTED,
        `nonce too low: ${c.tx.nonce} < ${have}`,
      );
    }
    if (this.#pool.some((p) => equalBytes(p.hash, c.hash))) {
      throw new RollupNodeError(RollupNodeErrorCode.TX_REJECTED, 'already known');
    }
    return { raw, tx: c.tx, sender: c.sender, hash: c.hash, firstSeenMs: seenMs, seq: this.#seq++ };
  }

  /** A pending (admitted, not yet sealed) tx by hash. */
  pendingTx(hash: Uint8Array): PendingTx | undefined {
    return this.#pool.find((p) => equalBytes(p.hash, hash));
  }

  /** The sender's next nonce counting its pending txs (`eth_getTransactionCount` "pending"). */
  pendingNonce(address: Uint8Array): bigint {
    let n = this.chain.state.getNonce(address);
    const mine = this.#pool.filter((p) => equalBytes(p.sender, address));
    while (mine.some((p) => p.tx.nonce === n)) n++;
    return n;
  }

  #replayWal(): void {
    let blocks = 0;
    for (const r of this.#wal!.records) {
      if (r.t === 'tx') {
        try {
          this.#pool.push(this.#admit(r.raw, r.seenMs));
        } catch {
          // already included by a later block record, or now invalid
        }
      } else {
        const ds = this.#depositsFor(r.block.l1Origin);
        const b = executeL2Block(this.chain.state, this.chain.head, r.block, ds, this.params, (n) =>
          this.chain.getBlockHash(n),
        );
        this.chain.push(b);
        const inBlock = new Set(b.receipts.map((x) => bytesToHex(x.txHash)));
        this.#pool = this.#pool.filter((p) => !inBlock.has(bytesToHex(p.hash)));
        blocks++;
      }
    }
    if (this.#wal!.records.length > 0) {
      this.log.info(
        { blocks, pending: this.#pool.length, head: this.chain.head.number.toString() },
        'write-ahead log replayed',
      );
    }
  }

  #depositsFor(origin: bigint): Deposit[] {
    const next = this.chain.nextDepositNonce;
    const out: Deposit[] = [];
    for (const d of this.#deposits) {
      if (d.l1Block > origin || d.nonce < next) continue;
      if (d.nonce !== next + BigInt(out.length)) break;
      out.push(d);
    }
    return out;
  }

  async #scanDeposits(to: bigint): Promise<void> {
    const c = this.opts.config;
    const ds = await this.l1.deposits(c.bridge as Hex, this.#depositsScanned + 1n, to);
    this.#deposits.push(...ds);
    this.#depositsScanned = to;
  }

  /** Sequencer restart: batches already on L1 cover blocks up to their `lastL2Block`. */
  async #scanPostedBatches(to: bigint): Promise<void> {
    const evs = await this.l1.batches(
      this.opts.config.rollup as Hex,
      this.#batchesScanned + 1n,
      to,
    );
    for (const e of evs) {
      if (e.index !== BigInt(this.chain.batches.length)) continue;
      const first = this.chain.postedHead + 1n;
      this.chain.batches.push({
        index: e.index,
        firstBlock: first,
        lastBlock: e.lastL2Block,
        outputRoot: e.outputRoot,
        l1Block: e.l1Block,
      });
    }
    this.#batchesScanned = to;
  }

  #order(): PendingTx[] {
    const mode = this.opts.ordering ?? OrderingMode.FIFO;
    if (mode === OrderingMode.PRIORITY) return orderPriority(this.#pool);
    if (mode === OrderingMode.FAIR) {
      return orderFair(this.#pool, this.opts.fairWindowMs ?? 200, this.chain.head.hash);
    }
    return orderFifo(this.#pool);
  }

  /** Seals one L2 block if there is anything to include (txs or new deposits). */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const l1Head = await this.l1.head();
      await this.#scanDeposits(l1Head);
      this.#l1Head = l1Head;
      this.#sealBlock(l1Head);
    } finally {
      this.#busy = false;
    }
  }

  #sealBlock(origin: bigint): void {
    const ds = this.#depositsFor(origin);
    if (this.#pool.length === 0 && ds.length === 0) return;
    const head = this.chain.head;
    const ts = BigInt(Math.floor(this.#now() / 1000));
    const meta = {
      number: head.number + 1n,
      timestamp: ts > head.timestamp ? ts : head.timestamp,
      l1Origin: origin > head.l1Origin ? origin : head.l1Origin,
    };
    const work = this.chain.state;
    const b = new L2BlockBuilder(work, head, meta, ds, this.params, (n) =>
      this.chain.getBlockHash(n),
    );
    const keep: PendingTx[] = [];
    for (const p of this.#order()) {
      if (b.txCount >= 2000) {
        keep.push(p);
        continue;
      }
      const r = b.addTx(p.raw);
      if (r.ok) continue;
      // a future nonce waits; anything else can never be included and is dropped
      if (r.reason === 'NONCE_TOO_HIGH') keep.push(p);
      else this.log.warn({ tx: bytesToHex(p.hash), reason: r.reason }, 'dropped L2 tx');
    }
    const block = b.finish();
    this.#wal!.append([{ t: 'block', block: block.data }]);
    this.chain.push(block);
    this.#pool = keep;
    this.log.info(
      {
        block: block.header.number.toString(),
        txs: block.data.txs.length,
        deposits: ds.length,
        withdrawals: block.withdrawals.length,
      },
      'L2 block sealed',
    );
  }

  /** Posts the sealed blocks not yet on L1 as one batch (as many as fit 6 blobs). */
  async postBatch(): Promise<void> {
    if (this.#posting) return;
    const first = this.chain.postedHead + 1n;
    let last = this.chain.head.number;
    if (last < first) return;
    this.#posting = true;
    try {
      const index = BigInt(this.chain.batches.length);
      const parentHash = this.chain.getBlockHash(first - 1n)!;
      const blocksOf = (l: bigint): L2BlockData[] => {
        const out: L2BlockData[] = [];
        for (let n = first; n <= l; n++) out.push(this.chain.block(n)!.data);
        return out;
      };
      let batch = { index, parentHash, blocks: blocksOf(last) };
      let data = encodeBatch(batch);
      while (data.length > maxBlobData(6) && last > first) {
        last = first + (last - first) / 2n;
        batch = { index, parentHash, blocks: blocksOf(last) };
        data = encodeBatch(batch);
      }
      const blobs = packBlobs(data);
      const { root } = this.chain.outputOf(first, last);
      const r = await this.#poster!.submit(this.opts.config.rollup as Hex, blobs, root, last);
      this.chain.batches.push({
        index,
        firstBlock: first,
        lastBlock: last,
        outputRoot: root,
        l1Block: r.l1Block,
      });
      this.#batchesScanned = r.l1Block;
      const s: BatchStats = {
        index,
        blocks: batch.blocks.length,
        txs: batch.blocks.reduce((a, b) => a + b.txs.length, 0),
        rawTxBytes: batch.blocks.reduce((a, b) => a + b.txs.reduce((x, t) => x + t.length, 0), 0),
        bodyBytes: encodeBatchBody(batch).length,
        compressedBytes: data.length,
        blobs: blobs.length,
        blobGasUsed: r.blobGasUsed,
        blobBaseFee: r.blobBaseFee,
        l1Block: r.l1Block,
      };
      this.stats.push(s);
      this.log.info(
        {
          batch: index.toString(),
          blocks: `${first}..${last}`,
          txs: s.txs,
          rawTxBytes: s.rawTxBytes,
          compressedBytes: s.compressedBytes,
          blobs: s.blobs,
          blobFeeWei: (s.blobGasUsed * s.blobBaseFee).toString(),
          l1Block: s.l1Block.toString(),
          outputRoot: `0x${bytesToHex(root)}`,
        },
        'batch posted to L1',
      );
    } finally {
      this.#posting = false;
    }
  }

  // ---- verifier --------------------------------------------------------------------------

  /** Derives every batch posted since the last poll from L1 data alone. */
  async derive(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const c = this.opts.config;
      const head = await this.l1.head();
      const evs = await this.l1.batches(c.rollup as Hex, this.#batchesScanned + 1n, head);
      await this.#scanDeposits(head);
      for (const e of evs) await this.#deriveOne(e);
      this.#batchesScanned = head;
      this.#l1Head = head;
    } finally {
      this.#busy = false;
    }
  }

  async #deriveOne(e: SubmittedBatch): Promise<void> {
    const blobs = (await this.l1.blobs(e.l1Block, e.blobHashes)) ?? [];
    const ts = await this.l1.timestamp(e.l1Block);
    const expected = BigInt(this.chain.batches.length);
    const r = deriveBatch(
      this.chain,
      { index: expected, l1Block: e.l1Block, l1Timestamp: ts, blobs },
      this.#deposits,
      this.params,
    );
    if (!r.ok) {
      this.skipped++;
      this.log.warn(
        { event: e.index.toString(), reason: r.reason, message: r.message },
        'posted batch skipped',
      );
      return;
    }
    const first = this.chain.head.number + 1n;
    this.chain.state = r.state;
    for (const b of r.blocks) this.chain.push(b);
    const last = this.chain.head.number;
    this.chain.batches.push({
      index: expected,
      firstBlock: first,
      lastBlock: last,
      outputRoot: r.outputRoot,
      l1Block: e.l1Block,
    });
    if (!equalBytes(r.outputRoot, e.outputRoot) || e.lastL2Block !== last) {
      this.mismatches++;
      this.log.error(
        {
          batch: expected.toString(),
          derived: `0x${bytesToHex(r.outputRoot)}`,
          posted: `0x${bytesToHex(e.outputRoot)}`,
          derivedLast: last.toString(),
          postedLast: e.lastL2Block.toString(),
        },
        'OUTPUT ROOT MISMATCH: the posted root is not what L1 data derives',
      );
      return;
    }
    this.log.info(
      {
        batch: expected.toString(),
        blocks: `${first}..${last}`,
        outputRoot: `0x${bytesToHex(r.outputRoot)}`,
      },
      'batch derived from L1, output root matches',
    );
  }

  // ---- reads -----------------------------------------------------------------------------

  get l1Head(): bigint {
    return this.#l1Head;
  }

  /** Runs a call on a copy of the head state as the next block (no signature, fee 0). */
  call(c: {
    from?: Uint8Array;
    to: Uint8Array | null;
    data: Uint8Array;
    value: bigint;
    gas?: bigint;
  }) {
    const state = this.chain.state.copy();
    const from = c.from ?? new Uint8Array(20);
    if (c.value > 0n) state.addBalance(from, c.value);
    const head = this.chain.head;
    const tx: Transaction = {
      type: 2,
      chainId: this.params.chainId,
      nonce: state.getNonce(from),
      gasLimit: c.gas ?? this.params.gasLimit,
      to: c.to,
      value: c.value,
      data: c.data,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
      accessList: [],
      v: 0n,
      r: 0n,
      s: 0n,
    };
    return runTx(
      state,
      tx,
      from,
      {
        chainId: this.params.chainId,
        coinbase: this.params.coinbase,
        number: head.number + 1n,
        timestamp: head.timestamp,
        gasLimit: this.params.gasLimit,
        baseFee: 0n,
        prevRandao: head.hash,
        excessBlobGas: 0n,
        getBlockHash: (n) => this.chain.getBlockHash(n),
      },
      { fork: CANCUN },
    );
  }
}
