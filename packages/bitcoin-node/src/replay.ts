import { join } from 'node:path';
import { type NetworkName, networks } from '@keel/bitcoin/consensus';
import { createScriptCheckPool, type ScriptCheckPool } from '@keel/bitcoin/workers';
import {
  type BlockFileError,
  type BlockIndex,
  BlockIndex as BlockIndexClass,
  type BlockIndexEntry,
  BlockSource,
  Chainstate,
  type ChainstateBackend,
  ChainstateError,
  hashHex,
} from '@keel/bitcoin-store';
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { equalBytes } from '@keel/util';
import { type ActivateContext, emptyCounters, moveTo } from './chain/activate.ts';
import { type Checkpoint, verifyCheckpoint } from './checkpoints.ts';

export { ReorgTooDeepError } from './chain/activate.ts';

export interface ReplayOptions {
  /** A Core `blocks/` directory or one stream file of magic+length+block records. */
  blocks: string;
  /** The chainstate lives in `<datadir>/chainstate`. */
  datadir: string;
  network?: NetworkName | 'auto';
  /** Stop after connecting this height. */
  until?: number;
  /** Coin-cache budget in MiB (Core's -dbcache). */
  dbcacheMB?: number;
  /** Script-check worker threads; 0 runs scripts on this thread. */
  workers?: number;
  backend?: 'auto' | 'noble' | 'libsecp256k1';
  /** A preloaded backend for the main-thread path (tests, bench instrumentation). */
  secp?: Secp256k1Backend;
  store?: ChainstateBackend;
  maxReorgDepth?: number;
  /** Verify these checkpoints when their height is connected. */
  checkpoints?: readonly Checkpoint[];
  /** Called with a checkpoint every `every` heights (and at height 0 on a fresh start). */
  writeCheckpoint?: { every: number; write: (c: Checkpoint) => void };
  /** Also flush after this many connected blocks (crash tests, benchmarks). */
  flushEveryBlocks?: number;
  /** The node's clock in seconds, for the two-hour future-block rule (an input, not read here). */
  adjustedTime: number;
  onProgress?: (p: ReplayProgress) => void;
  signal?: AbortSignal;
}

export interface ReplayProgress {
  height: number;
  targetHeight: number;
  blocks: number;
  txs: number;
  inputs: number;
  cacheBytes: number;
  cacheLimit: number;
  /** Milliseconds since the replay began (from `now`). */
  elapsedMs: number;
}

export interface ReplaySummary {
  network: NetworkName;
  tipHeight: number;
  tipHash: string;
  /** UTXO-set MuHash3072, display order (compare with Core's gettxoutsetinfo muhash). */
  muhash: string;
  txouts: number;
  /** Total amount in satoshis. */
  amount: bigint;
  resumedFrom: number;
  /** Distinct blocks found in the files, and how many of them do not link to genesis. */
  indexed: number;
  unlinked: number;
  blocksConnected: number;
  blocksDisconnected: number;
  /** Disconnects whose undo data did not match the coins exactly (a sign of corruption). */
  uncleanDisconnects: number;
  reorgs: number;
  txs: number;
  inputs: number;
  flushes: number;
  cacheHits: number;
  cacheMisses: number;
  scriptMs: number;
  /** Time in the disconnect/connect loop (elapsedMs minus scanning, opening, loading). */
  connectMs: number;
  elapsedMs: number;
  /** Blocks found invalid (and every block building on them skipped). */
  invalid: Array<{ height: number; hash: string; reason: string }>;
  /** A corrupt or truncated block file: replay stopped there, earlier blocks were kept. */
  fileError?: string;
  stoppedEarly?: 'aborted';
}

/**
 * Replays block files into the chainstate: index every record, follow the most-work chain
 * from genesis, disconnect (with undo data) back to a fork when a branch with more work
 * exists, and connect block by block — full validation with scripts, on worker threads when
 * `workers` > 0. The stored tip is where a re-run resumes.
 */
export async function replay(o: ReplayOptions, now: () => number): Promise<ReplaySummary> {
  const t0 = now();
  const source = BlockSource.open(o.blocks);
  const scan = source.scan({ network: o.network ?? 'auto' });
  const params = networks[scan.network];
  const index = BlockIndexClass.build(params, scan.records);
  const cs = await Chainstate.open({
    path: join(o.datadir, o.store === 'leveldb' ? 'chainstate-leveldb' : 'chainstate'),
    params,
    backend: o.store ?? 'lmdb',
    cacheBytes: Math.max(1, o.dbcacheMB ?? 450) * 1024 * 1024,
    ...(o.maxReorgDepth === undefined ? {} : { maxReorgDepth: o.maxReorgDepth }),
  });
  const workers = o.workers ?? 0;
  let pool: ScriptCheckPool | undefined;
  const c = emptyCounters();
  const resumedFrom = cs.height;
  const invalid: ReplaySummary['invalid'] = [];
  let stoppedEarly: ReplaySummary['stoppedEarly'];
  try {
    const secp = o.secp ?? (await loadSecp256k1Backend(o.backend ?? 'auto'));
    if (workers > 0) pool = await createScriptCheckPool({ workers, backend: o.backend ?? 'auto' });
    checkStoredChain(cs, index);
    const cps = new Map((o.checkpoints ?? []).map((cp) => [cp.height, cp]));
    if (cs.height === 0) atHeight(cs, 0, cps, o);
    const tLoop = now();
    const ctx: ActivateContext = {
      cs,
      index,
      readBlock: (e) => source.readBlock(e.location!),
      secp,
      pool,
      c,
      adjustedTime: () => o.adjustedTime,
      now,
      signal: o.signal,
      targetHeight: 0,
      onInvalid: (e, reason) => invalid.push({ height: e.height, hash: hashHex(e.hash), reason }),
      afterConnect: async (e) => {
        atHeight(cs, e.height, cps, o);
        const byCount = o.flushEveryBlocks && c.blocksConnected % o.flushEveryBlocks === 0;
        if (cs.needsFlush() || byCount) await cs.flush();
        o.onProgress?.({
          height: e.height,
          targetHeight: ctx.targetHeight,
          blocks: c.blocksConnected,
          txs: c.txs,
          inputs: c.inputs,
          cacheBytes: cs.usage,
          cacheLimit: cs.cacheBytes,
          elapsedMs: now() - t0,
        });
      },
    };
    for (;;) {
      if (o.signal?.aborted) {
        stoppedEarly = 'aborted';
        break;
      }
      const target = chooseTarget(cs, index, o.until);
      if (equalBytes(target.hash, cs.tip.hash)) break;
      const r = await moveTo(ctx, target);
      if (r === 'aborted') {
        stoppedEarly = 'aborted';
        break;
      }
    }
    c.connectMs = now() - tLoop;
    await cs.flush();
  } catch (e) {
    // keep what was validated: the cache holds only fully connected blocks
    await cs.flush().catch(() => undefined);
    throw e;
  } finally {
    await pool?.close();
    source.close();
    await cs.close().catch(() => undefined);
  }
  return {
    network: scan.network,
    tipHeight: cs.height,
    tipHash: hashHex(cs.tip.hash),
    muhash: hashHex(cs.stats.muhash.clone().finalize()),
    txouts: cs.stats.txouts,
    amount: cs.stats.amount,
    resumedFrom,
    indexed: index.size,
    unlinked: index.unlinked,
    ...c,
    flushes: cs.flushes,
    cacheHits: cs.cache.hits,
    cacheMisses: cs.cache.misses,
    elapsedMs: now() - t0,
    invalid,
    ...(scan.error ? { fileError: (scan.error as BlockFileError).message } : {}),
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
}

/** Every stored active-chain block must be in the index, or we cannot go on from it. */
function checkStoredChain(cs: Chainstate, index: BlockIndex): void {
  const tip = index.getByHash(cs.tip.hash);
  if (!tip || tip.height !== cs.height) {
    throw new ChainstateError(
      `the stored tip ${hashHex(cs.tip.hash)} (height ${cs.height}) is not in these block files`,
      { height: cs.height },
    );
  }
}

/** The most-work valid tip, but the current tip wins ties (Core keeps the first seen). */
function chooseTarget(cs: Chainstate, index: BlockIndex, until?: number): BlockIndexEntry {
  const best = index.bestTip(until);
  const cur = index.getByHash(cs.tip.hash)!;
  if (cur.invalid || best.chainWork > cur.chainWork) return best;
  // --until below the stored tip: stay (replay never rewinds on its own)
  return cur;
}

/** The checkpoint of the current tip. */
export function currentCheckpoint(cs: Chainstate): Checkpoint {
  return {
    height: cs.height,
    hash: hashHex(cs.tip.hash),
    muhash: hashHex(cs.stats.muhash.clone().finalize()),
    txouts: cs.stats.txouts,
    amount: cs.stats.amount,
  };
}

function atHeight(cs: Chainstate, h: number, cps: Map<number, Checkpoint>, o: ReplayOptions) {
  const want = cps.get(h);
  const every = o.writeCheckpoint?.every;
  if (!want && !(every && h % every === 0)) return;
  const cp = currentCheckpoint(cs);
  if (want) verifyCheckpoint(want, cp);
  if (every && h % every === 0) o.writeCheckpoint!.write(cp);
}
