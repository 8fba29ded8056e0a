import { join } from 'node:path';
import { type Block, type BlockHeader, blockHash, decodeBlock, encodeBlock } from '@keel/bitcoin';
import {
  blockWork,
  type ChainView,
  type ConsensusParams,
  checkBlock,
  checkBlockHeader,
  contextualCheckBlockHeader,
  type HeaderInfo,
  medianTimePast,
  type NetworkName,
  networks,
  prepareBlock,
  runScriptChecks,
  undoPrepared,
} from '@keel/bitcoin/consensus';
import { createScriptCheckPool, type ScriptCheckPool } from '@keel/bitcoin/workers';
import {
  BlockFiles,
  type BlockIndex,
  type BlockIndexEntry,
  Chainstate,
  hashHex,
  headerInfo,
  indexOp,
  loadBlockIndex,
} from '@keel/bitcoin-store';
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { equalBytes, type KvOp, type Logger, nullLogger } from '@keel/util';
import {
  type ActivateContext,
  type ConnectCounters,
  emptyCounters,
  moveTo,
  ReorgTooDeepError,
} from './activate.ts';
import { NodeError, NodeErrorCode } from './errors.ts';

export interface ChainManagerOptions {
  /** The network's data folder: `blocks/` and `chainstate/` live in it. */
  datadir: string;
  network: NetworkName;
  /** Coin-cache budget in MiB (Core's -dbcache). */
  dbcacheMB?: number;
  /** Core's -assumevalid: scripts of this block's ancestors are not checked (internal order). */
  assumeValid?: Uint8Array | undefined;
  /** Script-check worker threads (0: this thread). */
  workers?: number;
  secp?: Secp256k1Backend;
  /** Wall clock in milliseconds (injected). */
  now: () => number;
  logger?: Logger;
}

export type BlockAcceptResult =
  | { status: 'accepted'; entry: BlockIndexEntry }
  | { status: 'duplicate'; entry: BlockIndexEntry }
  | { status: 'invalid'; reason: string; entry?: BlockIndexEntry }
  /** The parent is unknown: ask for headers. */
  | { status: 'orphan' }
  /** Not requested and not more work than the tip: not stored (Core's AcceptBlock). */
  | { status: 'ignored'; entry: BlockIndexEntry };

export type HeaderAcceptResult =
  | { ok: true; entry: BlockIndexEntry; isNew: boolean }
  | { ok: false; reason: string; orphan?: boolean };

export interface ChainListener {
  connected?(block: Block, entry: BlockIndexEntry): void;
  disconnected?(block: Block, entry: BlockIndexEntry): void;
  tip?(entry: BlockIndexEntry): void;
}

/** Accepted blocks kept decoded for their activation (a download window's worth). */
const RECENT_BLOCKS = 64;
const INDEX_WRITE_MS = 2000;

/** Core's minimum age of an assumed-valid block: two weeks of equivalent work below the best header. */
const ASSUMEVALID_BURY_SECONDS = 14 * 24 * 60 * 60;

/**
 * The node's chain: a persisted block index (headers from any source, block bytes in the node's
 * blk files), the UTXO chainstate, and the most-work valid chain kept active through
 * `moveTo` (the same connection logic as replay) — reorgs included.
 */
export class ChainManager {
  readonly params: ConsensusParams;
  private bestHeaderEntry: BlockIndexEntry;
  /** Entries whose bytes and all ancestors' bytes are stored (Core's nChainTx != 0). */
  private readonly haveChain = new Set<BlockIndexEntry>();
  private readonly candidates = new Set<BlockIndexEntry>();
  private readonly pendingIndex = new Map<string, BlockIndexEntry>();
  private readonly listeners = new Set<ChainListener>();
  private readonly log: Logger;
  private busy: Promise<void> = Promise.resolve();
  private readonly counters: ConnectCounters = emptyCounters();
  private assumeValidPath: BlockIndexEntry[] | undefined;
  private lastChainFlush: number;
  private lastIndexWrite = 0;
  private tipRef: unknown;
  /** Aborted by `close`: a long activation stops between blocks (Ctrl-C during IBD). */
  private readonly stopping = new AbortController();
  private tipEntry: BlockIndexEntry | undefined;
  /** Blocks accepted but maybe not yet connected: activation reads them without decoding. */
  private readonly recent = new Map<BlockIndexEntry, Block>();
  closed = false;

  private constructor(
    readonly o: ChainManagerOptions,
    readonly index: BlockIndex,
    readonly cs: Chainstate,
    readonly files: BlockFiles,
    readonly secp: Secp256k1Backend,
    readonly pool: ScriptCheckPool | undefined,
  ) {
    this.params = cs.params;
    this.log = o.logger ?? nullLogger;
    this.bestHeaderEntry = this.genesis;
    this.lastChainFlush = o.now();
    for (const e of index.entries()) this.noteHeader(e);
    this.markHaveChain(this.genesis);
  }

  static async open(o: ChainManagerOptions): Promise<ChainManager> {
    const params = networks[o.network];
    const cs = await Chainstate.open({
      path: join(o.datadir, 'chainstate'),
      params,
      cacheBytes: Math.max(1, o.dbcacheMB ?? 450) * 1024 * 1024,
    });
    let files: BlockFiles | undefined;
    let pool: ScriptCheckPool | undefined;
    try {
      const index = await loadBlockIndex(cs.db, params);
      const tip = index.getByHash(cs.tip.hash);
      if (!tip || tip.height !== cs.height) {
        throw new NodeError(
          NodeErrorCode.STORE,
          `the chainstate tip ${hashHex(cs.tip.hash)} (height ${cs.height}) is not in the block index: ` +
            'this datadir was not written by keel bitcoin node',
        );
      }
      files = BlockFiles.open(join(o.datadir, 'blocks'), params.magic);
      const secp = o.secp ?? (await loadSecp256k1Backend('auto'));
      if ((o.workers ?? 0) > 0) pool = await createScriptCheckPool({ workers: o.workers! });
      return new ChainManager(o, index, cs, files, secp, pool);
    } catch (e) {
      files?.close();
      await pool?.close();
      await cs.close();
      throw e;
    }
  }

  get genesis(): BlockIndexEntry {
    return this.index.getByHash(this.params.genesisHash)!;
  }

  /** The active chain's tip (looked up once per tip change: hashing keys is not free). */
  get tip(): BlockIndexEntry {
    const t = this.cs.tip;
    if (this.tipRef !== t) {
      this.tipRef = t;
      this.tipEntry = this.index.getByHash(t.hash)!;
    }
    return this.tipEntry!;
  }

  get height(): number {
    return this.cs.height;
  }

  /** The most-work valid header known (Core's pindexBestHeader). */
  get bestHeader(): BlockIndexEntry {
    return this.bestHeaderEntry;
  }

  get stats(): Readonly<ConnectCounters> {
    return this.counters;
  }

  subscribe(l: ChainListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The active-chain entry at `height`. */
  atHeight(height: number): BlockIndexEntry | undefined {
    const c = this.cs.chain[height];
    return c ? this.index.getByHash(c.hash) : undefined;
  }

  isActive(e: BlockIndexEntry): boolean {
    const c = this.cs.chain[e.height];
    return c !== undefined && equalBytes(c.hash, e.hash);
  }

  /** Median time past of an entry (BIP113). */
  medianTimePast(e: BlockIndexEntry): number {
    return medianTimePast(this.ancestorView(e), e.height);
  }

  haveData(e: BlockIndexEntry): boolean {
    return e.location !== undefined || e === this.genesis;
  }

  readBlock(e: BlockIndexEntry): Block {
    if (e === this.genesis) return this.params.genesis;
    if (!e.location) {
      throw new NodeError(NodeErrorCode.STORE, `block ${hashHex(e.hash)} is not stored`);
    }
    return this.recent.get(e) ?? decodeBlock(this.files.read(e.location));
  }

  readRawBlock(e: BlockIndexEntry): Uint8Array {
    if (e === this.genesis) return encodeBlock(this.params.genesis);
    if (!e.location) {
      throw new NodeError(NodeErrorCode.STORE, `block ${hashHex(e.hash)} is not stored`);
    }
    return this.files.read(e.location);
  }

  /** Core's block locator from `e` (default the tip): dense for 10 steps, then doubling. */
  locator(e: BlockIndexEntry = this.tip): Uint8Array[] {
    const out: Uint8Array[] = [];
    let step = 1;
    let h = e.height;
    for (;;) {
      const a = this.isActive(e) ? this.atHeight(h)! : this.index.ancestor(e, h)!;
      out.push(a.hash);
      if (h === 0) break;
      if (out.length >= 10) step *= 2;
      h = Math.max(0, h - step);
    }
    return out;
  }

  /** The first active-chain block named in a locator (genesis when none is). */
  findFork(locator: readonly Uint8Array[]): BlockIndexEntry {
    for (const h of locator) {
      const e = this.index.getByHash(h);
      if (e && e.height >= 0 && this.isActive(e)) return e;
    }
    return this.genesis;
  }

  /**
   * Core's AcceptBlockHeader: proof of work, a known valid parent, then the contextual header
   * rules (difficulty, median time past, future time, versions) against the parent's ancestors.
   */
  acceptHeader(header: BlockHeader, hash: Uint8Array = blockHash(header)): HeaderAcceptResult {
    const known = this.index.getByHash(hash);
    if (known && known.height >= 0) {
      if (known.invalid) return { ok: false, reason: 'duplicate-invalid' };
      return { ok: true, entry: known, isNew: false };
    }
    const pow = checkBlockHeader(header, this.params, hash);
    if (!pow.ok) return { ok: false, reason: pow.reason };
    const parent = this.index.getByHash(header.prevBlock);
    if (!parent || parent.height < 0) {
      return { ok: false, reason: 'prev-blk-not-found', orphan: true };
    }
    if (parent.invalid) return { ok: false, reason: 'bad-prevblk' };
    const view = this.ancestorView(parent);
    const adjusted = Math.floor(this.o.now() / 1000);
    const v = contextualCheckBlockHeader(header, headerInfo(parent), view, this.params, adjusted);
    if (!v.ok) return { ok: false, reason: v.reason };
    const entry = this.index.add(header, hash);
    this.noteHeader(entry);
    this.pendingIndex.set(entry.key, entry);
    return { ok: true, entry, isNew: true };
  }

  /** Headers in order (a `headers` message): stops at the first bad one. */
  acceptHeaders(headers: readonly BlockHeader[]): {
    accepted: BlockIndexEntry[];
    error?: { reason: string; index: number; orphan?: boolean };
  } {
    const accepted: BlockIndexEntry[] = [];
    for (let i = 0; i < headers.length; i++) {
      const r = this.acceptHeader(headers[i]!);
      if (!r.ok) return { accepted, error: { reason: r.reason, index: i, orphan: r.orphan } };
      accepted.push(r.entry);
    }
    return { accepted };
  }

  /**
   * Core's ProcessNewBlock: header rules, the context-free block rules (merkle root, sizes,
   * coinbase), store the bytes, then activate the best chain. A block whose merkle root or
   * witness data may have been mutated in transit is rejected without marking its header
   * invalid.
   */
  async acceptBlock(block: Block, o: { requested?: boolean } = {}): Promise<BlockAcceptResult> {
    const hash = blockHash(block.header);
    const h = this.acceptHeader(block.header, hash);
    if (!h.ok) return h.orphan ? { status: 'orphan' } : { status: 'invalid', reason: h.reason };
    const entry = h.entry;
    if (this.haveData(entry)) return { status: 'duplicate', entry };
    const v = checkBlock(block, this.params, { hash, backend: this.secp });
    if (!v.ok) {
      if (!isMutation(v.reason)) {
        this.index.markInvalid(entry, v.reason);
        this.pendingIndex.set(entry.key, entry);
        this.forgetInvalid();
      }
      return { status: 'invalid', reason: v.reason, entry };
    }
    if (!o.requested && entry.chainWork <= this.tip.chainWork) return { status: 'ignored', entry };
    entry.location = this.files.append(encodeBlock(block));
    this.recent.set(entry, block);
    if (this.recent.size > RECENT_BLOCKS) this.recent.delete(this.recent.keys().next().value!);
    this.pendingIndex.set(entry.key, entry);
    if (entry.parent && this.haveChain.has(entry.parent)) this.markHaveChain(entry);
    await this.activate();
    if (entry.invalid) return { status: 'invalid', reason: entry.invalid, entry };
    return { status: 'accepted', entry };
  }

  /**
   * Core's TestBlockValidity (getblocktemplate proposals): every rule but the proof of work for
   * a block on the current tip, run on the coin cache and rolled back; nothing is stored.
   * Returns null when valid, else the reject reason.
   */
  testBlockValidity(block: Block): Promise<string | null> {
    const run = this.busy.then(async (): Promise<string | null> => {
      const tip = this.tip;
      if (!equalBytes(block.header.prevBlock, tip.hash)) return 'inconclusive-not-best-prevblk';
      const opts = {
        params: this.params,
        height: tip.height + 1,
        prev: headerInfo(tip),
        chain: this.ancestorView(tip),
        adjustedTime: Math.floor(this.o.now() / 1000),
        backend: this.secp,
        checkPoW: false,
      };
      const prepared = prepareBlock(block, this.cs.cache, opts);
      if (!prepared.ok) return prepared.reason;
      try {
        const v = this.pool
          ? await this.pool.run(prepared.scriptChecks)
          : runScriptChecks(prepared.scriptChecks, this.secp);
        return v.ok ? null : v.reason;
      } finally {
        undoPrepared(block, this.cs.cache, prepared, opts);
      }
    });
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Connects the most-work chain whose blocks are all stored; serialized. */
  activate(): Promise<void> {
    const run = this.busy.then(() => this.activateNow());
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async activateNow(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const best = this.bestCandidate();
      if (!best || best === this.tip) break;
      const before = this.tip;
      let r: Awaited<ReturnType<typeof moveTo>>;
      try {
        r = await moveTo(this.activateContext(), best);
      } catch (e) {
        if (!(e instanceof ReorgTooDeepError)) throw e;
        this.log.warn({ block: hashHex(best.hash), err: e.message }, 'reorg too deep; ignored');
        this.candidates.delete(best);
        continue;
      }
      if (this.tip !== before) for (const l of this.listeners) l.tip?.(this.tip);
      if (r === 'aborted') break;
      if (r === 'invalid') this.forgetInvalid();
    }
    await this.maybeFlush();
  }

  private activateContext(): ActivateContext {
    return {
      cs: this.cs,
      index: this.index,
      readBlock: (e) => this.readBlock(e),
      secp: this.secp,
      pool: this.pool,
      c: this.counters,
      adjustedTime: () => Math.floor(this.o.now() / 1000),
      now: () => performance.now(),
      signal: this.stopping.signal,
      targetHeight: 0,
      skipScripts: (e) => this.assumedValid(e),
      onInvalid: (e, reason) => {
        this.log.warn({ height: e.height, block: hashHex(e.hash), reason }, 'invalid block');
        this.pendingIndex.set(e.key, e);
      },
      afterConnect: async (e, block) => {
        for (const l of this.listeners) l.connected?.(block, e);
        if (this.cs.needsFlush()) await this.flush();
        // let sockets and RPC run between blocks
        await new Promise((r) => setImmediate(r));
      },
      afterDisconnect: (e, block) => {
        for (const l of this.listeners) l.disconnected?.(block, e);
      },
    };
  }

  /** Core's -assumevalid condition (ancestor of the assumed block, buried two weeks deep). */
  private assumedValid(e: BlockIndexEntry): boolean {
    const av = this.o.assumeValid && this.index.getByHash(this.o.assumeValid);
    if (!av || av.height < 0 || av.invalid) return false;
    if (this.index.ancestor(this.bestHeaderEntry, av.height) !== av) return false;
    this.assumeValidPath ??= this.index.chainTo(av);
    if (this.assumeValidPath[e.height] !== e) return false;
    const best = this.bestHeaderEntry;
    const equivalent =
      ((best.chainWork - e.chainWork) * BigInt(this.params.powTargetSpacing)) /
      blockWork(best.header.bits);
    return equivalent > BigInt(ASSUMEVALID_BURY_SECONDS);
  }

  private bestCandidate(): BlockIndexEntry | undefined {
    let best: BlockIndexEntry | undefined = this.tip;
    for (const c of this.candidates) {
      if (c.invalid) {
        this.candidates.delete(c);
        continue;
      }
      if (c.chainWork < best!.chainWork) {
        if (c.chainWork < this.tip.chainWork) this.candidates.delete(c);
        continue;
      }
      if (
        c.chainWork > best!.chainWork ||
        (c.chainWork === best!.chainWork && c.seq < best!.seq && best !== this.tip)
      ) {
        best = c;
      }
    }
    return best;
  }

  private noteHeader(e: BlockIndexEntry): void {
    if (e.height < 0 || e.invalid) return;
    if (e.chainWork > this.bestHeaderEntry.chainWork) this.bestHeaderEntry = e;
  }

  /** `e` and every stored descendant reachable through stored blocks gain haveChain. */
  private markHaveChain(root: BlockIndexEntry): void {
    const stack = [root];
    while (stack.length) {
      const e = stack.pop()!;
      if (this.haveChain.has(e) || !this.haveData(e)) continue;
      this.haveChain.add(e);
      if (!e.invalid) this.candidates.add(e);
      for (const c of this.index.childrenOf(e)) stack.push(c);
    }
  }

  /** After a block failed: the best header may have been on its branch. */
  private forgetInvalid(): void {
    if (!this.bestHeaderEntry.invalid) return;
    this.bestHeaderEntry = this.genesis;
    for (const e of this.index.entries()) this.noteHeader(e);
  }

  /** A view of `e` and its ancestors for the contextual header rules. */
  ancestorView(e: BlockIndexEntry): ChainView {
    const active = this.isActive(e);
    const memo = new Map<number, BlockIndexEntry>();
    let cursor = e;
    return {
      at: (h: number): HeaderInfo | undefined => {
        if (h < 0 || h > e.height) return undefined;
        if (active) {
          // straight from the active chain array: testnet/regtest difficulty walks back up to
          // 2015 blocks per header, so no hashing of index keys here
          const c = this.cs.chain[h];
          if (!c) return undefined;
          const hd = c.header;
          return { height: h, time: hd.time, bits: hd.bits, version: hd.version, hash: c.hash };
        }
        let a = memo.get(h);
        if (!a) {
          if (h > cursor.height) cursor = e;
          while (cursor.height > h) {
            memo.set(cursor.height, cursor);
            cursor = cursor.parent!;
          }
          a = cursor;
          memo.set(h, a);
        }
        return headerInfo(a);
      },
    };
  }

  /** Index entries written since the last flush (block files synced first). */
  private takeIndexOps(): KvOp[] {
    this.files.sync();
    const ops = [...this.pendingIndex.values()].map(indexOp);
    this.pendingIndex.clear();
    return ops;
  }

  /** Persists new index entries; the chainstate too when its cache is full or every 10 minutes. */
  private async maybeFlush(): Promise<void> {
    if (this.cs.needsFlush() || this.o.now() - this.lastChainFlush > 600_000) {
      await this.flush();
      return;
    }
    // index entries need only precede the chainstate flush that relies on them (they go in its
    // batch); written every 2 s otherwise, so a crash re-downloads at most that much
    if (this.pendingIndex.size > 0 && this.o.now() - this.lastIndexWrite > INDEX_WRITE_MS) {
      await this.cs.db.write(this.takeIndexOps());
      this.lastIndexWrite = this.o.now();
    }
  }

  /** Writes block files, index entries and the chainstate (one atomic batch for the last two). */
  async flush(): Promise<void> {
    await this.cs.flush(this.takeIndexOps());
    this.lastChainFlush = this.o.now();
  }

  /** A flush queued behind any running activation. */
  flushNow(): Promise<void> {
    const run = this.busy.then(() => this.flush());
    this.busy = run.catch(() => undefined);
    return run;
  }

  /** Waits for activation to finish, flushes everything and closes the stores. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopping.abort();
    await this.busy;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      this.files.close();
      await this.pool?.close();
      await this.cs.close();
    }
  }
}

/** CheckBlock failures that a relay could cause without the header being bad (Core's BLOCK_MUTATED). */
function isMutation(reason: string): boolean {
  return (
    reason === 'bad-txnmrklroot' ||
    reason === 'bad-txns-duplicate' ||
    reason === 'bad-witness-nonce-size' ||
    reason === 'bad-witness-merkle-match' ||
    reason === 'unexpected-witness'
  );
}
