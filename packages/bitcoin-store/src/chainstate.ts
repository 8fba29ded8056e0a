import {
  BLOCK_HEADER_SIZE,
  type BlockHeader,
  decodeBlockHeader,
  encodeBlockHeader,
} from '@keel/bitcoin';
import {
  type BlockUndo,
  type ConsensusParams,
  coinHashBytes,
  decodeBlockUndo,
  encodeBlockUndo,
  MuHash3072,
  type NetworkName,
} from '@keel/bitcoin/consensus';
import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  bytesToUtf8,
  equalBytes,
  type KvOp,
  utf8ToBytes,
} from '@keel/util';
import { CoinCache, decodeCoin, emptyUtxoStats, type UtxoStats } from './coinCache.ts';
import { ChainstateError } from './errors.ts';
import { type ChainstateBackend, type ChainstateDb, openChainstateDb } from './kv/db.ts';
import {
  chainKey,
  networkKey,
  Prefix,
  prefixEnd,
  SCHEMA_VERSION,
  tipKey,
  undoKey,
  versionKey,
} from './layout.ts';

/**
 * How many blocks below the tip keep their undo data, and so the deepest reorg the
 * chainstate can perform. Core keeps at least this many blocks (MIN_BLOCKS_TO_KEEP) when
 * pruning for the same reason.
 */
export const DEFAULT_MAX_REORG_DEPTH = 288;

export interface ChainstateOptions {
  path: string;
  params: ConsensusParams;
  backend?: ChainstateBackend;
  /** Coin-cache budget in bytes before a flush (Core's -dbcache). */
  cacheBytes: number;
  maxReorgDepth?: number;
}

export interface ChainEntry {
  hash: Uint8Array;
  header: BlockHeader;
}

/**
 * The UTXO set on disk plus its write-back cache, the active chain (hash and header per
 * height) and per-block undo data. Changes since the last flush live in memory; `flush`
 * writes the coins, undo data, chain entries and the tip record in one atomic batch, so
 * after a crash the database is exactly at some earlier flushed tip.
 */
export class Chainstate {
  readonly cache: CoinCache;
  /** The active chain, index = height; [0] is genesis. */
  readonly chain: ChainEntry[];
  readonly maxReorgDepth: number;
  private pending = new Map<string, KvOp>();
  private pendingBytes = 0;
  flushes = 0;

  private constructor(
    readonly db: ChainstateDb,
    readonly params: ConsensusParams,
    readonly cacheBytes: number,
    chain: ChainEntry[],
    stats: UtxoStats,
    maxReorgDepth: number,
  ) {
    this.chain = chain;
    this.cache = new CoinCache(db, stats);
    this.maxReorgDepth = maxReorgDepth;
  }

  static async open(o: ChainstateOptions): Promise<Chainstate> {
    const db = await openChainstateDb(o.path, o.backend ?? 'lmdb');
    try {
      const { chain, stats } = loadState(db, o.params);
      const depth = o.maxReorgDepth ?? DEFAULT_MAX_REORG_DEPTH;
      return new Chainstate(db, o.params, o.cacheBytes, chain, stats, depth);
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  get height(): number {
    return this.chain.length - 1;
  }

  get tip(): ChainEntry {
    return this.chain[this.chain.length - 1]!;
  }

  get stats(): UtxoStats {
    return this.cache.stats;
  }

  /** Memory held by unflushed changes: the coin cache and pending undo/chain records. */
  get usage(): number {
    return this.cache.usage + this.pendingBytes;
  }

  needsFlush(): boolean {
    return this.usage >= this.cacheBytes;
  }

  private put(key: Uint8Array, value: Uint8Array | undefined): void {
    this.pending.set(bytesToHex(key), { key, value });
    this.pendingBytes += 64 + (value?.length ?? 0);
  }

  /** Records a connected block (its coins are already in `cache`). */
  pushTip(entry: ChainEntry, undo: BlockUndo): void {
    const h = this.chain.length;
    this.chain.push(entry);
    this.put(chainKey(h), encodeChainEntry(entry));
    this.put(undoKey(entry.hash), encodeBlockUndo(undo));
    const old = h - this.maxReorgDepth - 1;
    if (old >= 1) this.put(undoKey(this.chain[old]!.hash), undefined);
  }

  /** Removes the tip from the active chain (its coins were already disconnected in `cache`). */
  popTip(): ChainEntry {
    if (this.chain.length <= 1) throw new ChainstateError('cannot disconnect the genesis block');
    const e = this.chain.pop()!;
    this.put(chainKey(this.chain.length), undefined);
    this.put(undoKey(e.hash), undefined);
    return e;
  }

  /** Undo data of a block on the active chain, from memory or the database. */
  getUndo(hash: Uint8Array): BlockUndo | undefined {
    const p = this.pending.get(bytesToHex(undoKey(hash)));
    const raw = p ? p.value : this.db.getSync(undoKey(hash));
    return raw ? decodeBlockUndo(raw) : undefined;
  }

  /**
   * Writes every change and the tip in one atomic batch, then empties the cache. `extra` ops
   * (the node's block-index entries) commit in the same batch.
   */
  async flush(extra: readonly KvOp[] = []): Promise<void> {
    const ops = this.cache.takeChanges();
    for (const op of extra) ops.push(op);
    for (const op of this.pending.values()) ops.push(op);
    ops.push({ key: tipKey, value: encodeTip(this.height, this.tip.hash, this.stats) });
    ops.push({ key: networkKey, value: utf8ToBytes(this.params.network) });
    ops.push({ key: versionKey, value: new BufferWriter(4).u32le(SCHEMA_VERSION).finish() });
    this.pending.clear();
    this.pendingBytes = 0;
    await this.db.write(ops);
    this.flushes++;
  }

  /**
   * Recomputes the UTXO-set statistics from the coins on disk (flush first): the
   * independent check of the running MuHash.
   */
  async recomputeStats(): Promise<UtxoStats> {
    const s = emptyUtxoStats();
    for await (const [k, v] of this.db.range(Uint8Array.of(Prefix.coin), prefixEnd(Prefix.coin))) {
      const outpoint = {
        txid: k.slice(1, 33),
        vout: new DataView(k.buffer, k.byteOffset).getUint32(33),
      };
      const coin = decodeCoin(v);
      s.muhash.insert(coinHashBytes(outpoint, coin));
      s.txouts++;
      s.amount += coin.value;
    }
    return s;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

function encodeChainEntry(e: ChainEntry): Uint8Array {
  return new BufferWriter(112).bytes(e.hash).bytes(encodeBlockHeader(e.header)).finish();
}

function encodeTip(height: number, hash: Uint8Array, s: UtxoStats): Uint8Array {
  const w = new BufferWriter(64 + 768);
  w.u32le(height).bytes(hash).u64le(BigInt(s.txouts)).u64le(s.amount);
  // serialize() keeps numerator and denominator, so no inversion per flush
  w.bytes(s.muhash.serialize());
  return w.finish();
}

/** Reads the tip, the active chain and the statistics; a fresh database starts at genesis. */
function loadState(db: ChainstateDb, params: ConsensusParams) {
  const genesis: ChainEntry = { hash: params.genesisHash, header: params.genesis.header };
  const net = db.getSync(networkKey);
  if (net && bytesToUtf8(net) !== params.network) {
    throw new ChainstateError(
      `chainstate belongs to network ${bytesToUtf8(net)}, not ${params.network}`,
      { network: bytesToUtf8(net) as NetworkName },
    );
  }
  const ver = db.getSync(versionKey);
  if (ver && new BufferReader(ver).u32le() !== SCHEMA_VERSION) {
    throw new ChainstateError(
      `chainstate schema version ${new BufferReader(ver).u32le()} is not ${SCHEMA_VERSION}`,
    );
  }
  const raw = db.getSync(tipKey);
  if (!raw) return { chain: [genesis], stats: emptyUtxoStats() };
  const r = new BufferReader(raw);
  const height = r.u32le();
  const hash = r.copyBytes(32);
  const txouts = Number(r.u64le());
  const amount = r.u64le();
  const muhash = MuHash3072.deserialize(r.bytes(768));
  const chain: ChainEntry[] = [genesis];
  for (let h = 1; h <= height; h++) {
    const v = db.getSync(chainKey(h));
    if (!v || v.length !== 32 + BLOCK_HEADER_SIZE) {
      throw new ChainstateError(`chainstate has no active-chain entry at height ${h}`, {
        height: h,
      });
    }
    const header = decodeBlockHeader(v.subarray(32));
    if (!equalBytes(header.prevBlock, chain[h - 1]!.hash)) {
      throw new ChainstateError(`active chain does not link at height ${h}`, { height: h });
    }
    chain.push({ hash: v.slice(0, 32), header });
  }
  if (!equalBytes(chain[height]!.hash, hash)) {
    throw new ChainstateError('tip record does not match the active chain', { height });
  }
  return { chain, stats: { muhash, txouts, amount } };
}
