import type { Block } from '@keel/bitcoin';
import {
  type ChainView,
  disconnectBlock,
  type PreparedBlock,
  prepareBlock,
  runScriptChecks,
  undoPrepared,
  type Verdict,
} from '@keel/bitcoin/consensus';
import type { ScriptCheckPool } from '@keel/bitcoin/workers';
import {
  type BlockIndex,
  type BlockIndexEntry,
  type Chainstate,
  ChainstateError,
  hashHex,
  headerInfo,
} from '@keel/bitcoin-store';
import type { Secp256k1Backend } from '@keel/crypto';
import { bytesToHex, KeelError } from '@keel/util';

/** A reorg would go deeper than the undo data kept (see DEFAULT_MAX_REORG_DEPTH). */
export class ReorgTooDeepError extends KeelError {
  constructor(depth: number, limit: number) {
    super('ERR_REORG_TOO_DEEP', `reorg of ${depth} blocks exceeds the limit of ${limit}`, {
      depth,
      limit,
    });
    this.name = 'ReorgTooDeepError';
  }
}

export interface ConnectCounters {
  blocksConnected: number;
  blocksDisconnected: number;
  reorgs: number;
  txs: number;
  inputs: number;
  scriptMs: number;
  connectMs: number;
  uncleanDisconnects: number;
}

export function emptyCounters(): ConnectCounters {
  return {
    blocksConnected: 0,
    blocksDisconnected: 0,
    reorgs: 0,
    txs: 0,
    inputs: 0,
    scriptMs: 0,
    connectMs: 0,
    uncleanDisconnects: 0,
  };
}

/**
 * What moving the chainstate along the block index needs; shared by `replay` (blocks from
 * files) and the node's chain manager (blocks from peers, RPC and mining).
 */
export interface ActivateContext {
  cs: Chainstate;
  index: BlockIndex;
  readBlock(e: BlockIndexEntry): Block;
  secp: Secp256k1Backend;
  pool: ScriptCheckPool | undefined;
  c: ConnectCounters;
  /** The node's clock in seconds (the two-hour future-block rule). */
  adjustedTime(): number;
  now(): number;
  signal?: AbortSignal | undefined;
  /** True when this block's scripts need not run (assumevalid). */
  skipScripts?(e: BlockIndexEntry): boolean;
  /** After each connected block (already pushed as the chainstate tip). */
  afterConnect?(e: BlockIndexEntry, block: Block, prepared: PreparedBlock): Promise<void> | void;
  afterDisconnect?(e: BlockIndexEntry, block: Block): void;
  /** A block failed validation (already marked invalid in the index with its descendants). */
  onInvalid?(e: BlockIndexEntry, reason: string): void;
  /** Progress target (set by moveTo). */
  targetHeight: number;
}

/**
 * Makes `target` the chainstate tip: disconnect (with undo data) back to the fork, then connect
 * block by block with full validation. Stops at the first invalid block ('invalid'; the caller
 * picks the next best target) or when aborted.
 */
export async function moveTo(
  ctx: ActivateContext,
  target: BlockIndexEntry,
): Promise<'done' | 'aborted' | 'invalid'> {
  const { cs, index } = ctx;
  const path = index.chainTo(target);
  ctx.targetHeight = target.height;
  let fork = Math.min(cs.height, target.height);
  while (fork > 0 && bytesToHex(path[fork]!.hash) !== bytesToHex(cs.chain[fork]!.hash)) fork--;
  const depth = cs.height - fork;
  if (depth > 0) {
    if (depth > cs.maxReorgDepth) throw new ReorgTooDeepError(depth, cs.maxReorgDepth);
    ctx.c.reorgs++;
    while (cs.height > fork) disconnectTip(ctx);
  }
  const view: ChainView = { at: (h) => (path[h] ? headerInfo(path[h]!) : undefined) };
  for (let h = fork + 1; h <= target.height; h++) {
    if (ctx.signal?.aborted) return 'aborted';
    const ok = await connectTip(ctx, path[h]!, view);
    if (!ok) return 'invalid';
  }
  return 'done';
}

/** Disconnects the chainstate tip with its undo data. */
export function disconnectTip(ctx: ActivateContext): void {
  const { cs, index } = ctx;
  const entry = index.getByHash(cs.tip.hash)!;
  const undo = cs.getUndo(entry.hash);
  if (!undo) {
    throw new ChainstateError(`no undo data for block ${hashHex(entry.hash)} at ${entry.height}`);
  }
  const block = ctx.readBlock(entry);
  const r = disconnectBlock(block, undo, cs.cache, {
    params: cs.params,
    height: entry.height,
    hash: entry.hash,
  });
  if (r === 'failed') {
    throw new ChainstateError(`undo data does not fit block ${hashHex(entry.hash)}`);
  }
  // 'unclean' (the view did not hold exactly what the block created) is applied and counted,
  // as Core's ReplayBlocks tolerates it; the statistics follow the view either way
  if (r === 'unclean') ctx.c.uncleanDisconnects++;
  cs.popTip();
  ctx.c.blocksDisconnected++;
  ctx.afterDisconnect?.(entry, block);
}

async function runScripts(
  ctx: ActivateContext,
  entry: BlockIndexEntry,
  prepared: PreparedBlock,
): Promise<Verdict> {
  if (ctx.skipScripts?.(entry)) return prepared;
  const s = ctx.now();
  const v = ctx.pool
    ? await ctx.pool.run(prepared.scriptChecks)
    : runScriptChecks(prepared.scriptChecks, ctx.secp);
  ctx.c.scriptMs += ctx.now() - s;
  return v;
}

async function connectTip(
  ctx: ActivateContext,
  entry: BlockIndexEntry,
  chain: ChainView,
): Promise<boolean> {
  const { cs, c } = ctx;
  const block: Block = ctx.readBlock(entry);
  const opts = {
    params: cs.params,
    height: entry.height,
    prev: headerInfo(entry.parent!),
    chain,
    adjustedTime: ctx.adjustedTime(),
    backend: ctx.secp,
  };
  const prepared = prepareBlock(block, cs.cache, opts);
  let verdict: Verdict = prepared;
  if (prepared.ok) {
    try {
      verdict = await runScripts(ctx, entry, prepared);
    } catch (e) {
      // a worker failure says nothing about the block: take its coins back out before the
      // caller flushes, so the stored coins stay those of the stored tip
      undoPrepared(block, cs.cache, prepared, opts);
      throw e;
    }
    if (!verdict.ok) undoPrepared(block, cs.cache, prepared, opts);
  }
  if (!verdict.ok) {
    const where =
      verdict.txIndex === undefined
        ? ''
        : ` (tx ${verdict.txIndex}${verdict.inputIndex === undefined ? '' : `, input ${verdict.inputIndex}`})`;
    const reason = `${verdict.reason}${where}`;
    ctx.index.markInvalid(entry, reason);
    ctx.onInvalid?.(entry, reason);
    return false;
  }
  cs.pushTip({ hash: entry.hash, header: block.header }, prepared.undo);
  c.blocksConnected++;
  c.txs += block.txs.length;
  c.inputs += prepared.scriptChecks.length;
  await ctx.afterConnect?.(entry, block, prepared);
  return true;
}
