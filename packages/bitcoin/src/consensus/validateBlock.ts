import type { Secp256k1Backend } from '@keel/crypto';
import type { Block } from '../primitives/block.ts';
import { blockHash } from '../primitives/block.ts';
import { hasWitness, txid, wtxid } from '../primitives/transaction.ts';
import type { SignatureCache } from '../script/checker.ts';
import type { ChainView, HeaderInfo } from './chain.ts';
import { checkBlock } from './checkBlock.ts';
import type { CoinView } from './coins.ts';
import { type ConnectBlockResult, connectBlock, disconnectBlock } from './connectBlock.ts';
import { contextualCheckBlock, contextualCheckBlockHeader, lockTimeCutoff } from './contextual.ts';
import type { ConsensusParams } from './params.ts';
import { runScriptChecks } from './scriptChecks.ts';
import type { Verdict } from './verdict.ts';

export interface BlockValidationOptions {
  params: ConsensusParams;
  /** Height of the block. */
  height: number;
  /**
   * The parent and its ancestors. With them the header is checked in context (bits, median
   * time past, future time, versions) and locktimes use BIP113; without them those header
   * checks are skipped and locktimes are compared with the block's own time.
   */
  prev?: HeaderInfo;
  chain?: ChainView;
  /** The node's adjusted time (seconds), for the two-hour future limit (needs `prev`). */
  adjustedTime?: number;
  /** Script flags for the inputs; default Core's per-block flags. */
  scriptFlags?: number;
  /** Check the header's proof of work (default true). */
  checkPoW?: boolean;
  /** Signature backend for checks outside the scripts (the BIP325 signet block solution). */
  backend?: Secp256k1Backend;
  /**
   * The block's txids and wtxids when already known (`decodeBlockWithIds` hashes them from
   * the wire bytes). They must be those of `block` (wrong ids fail its merkle checks); with
   * another count they are ignored and computed here.
   */
  txids?: readonly Uint8Array[];
  wtxids?: readonly Uint8Array[];
}

export type PreparedBlock = ConnectBlockResult & {
  hash: Uint8Array;
  txids: Uint8Array[];
};

/**
 * Everything but the scripts, in Core's order: CheckBlock, the contextual header and block
 * checks, then ConnectBlock on `view`. On success the view is updated and the result holds
 * the undo data and the script-check jobs still to run.
 */
export function prepareBlock(
  block: Block,
  view: CoinView,
  o: BlockValidationOptions,
): PreparedBlock {
  const hash = blockHash(block.header);
  const n = block.txs.length;
  const txids = o.txids?.length === n ? [...o.txids] : block.txs.map(txid);
  const done = (v: Verdict & { ok: false }): PreparedBlock => ({
    ...v,
    undo: { txs: [] },
    scriptChecks: [],
    hash,
    txids,
  });
  const cb = checkBlock(block, o.params, {
    txids,
    hash,
    checkPoW: o.checkPoW !== false,
    backend: o.backend,
  });
  if (!cb.ok) return done(cb);
  let cutoff = block.header.time;
  if (o.prev && o.chain) {
    const adjusted = o.adjustedTime ?? block.header.time;
    const h = contextualCheckBlockHeader(block.header, o.prev, o.chain, o.params, adjusted);
    if (!h.ok) return done(h);
    cutoff = lockTimeCutoff(block.header, o.prev, o.chain, o.params);
  }
  // a transaction without witness has wtxid = txid
  const wtxids =
    o.wtxids?.length === n
      ? o.wtxids
      : block.txs.map((tx, i) => (hasWitness(tx) ? wtxid(tx) : txids[i]!));
  const cc = contextualCheckBlock(block, o.height, o.params, { lockTimeCutoff: cutoff, wtxids });
  if (!cc.ok) return done(cc);
  const connected = connectBlock(block, view, {
    params: o.params,
    height: o.height,
    hash,
    txids,
    ...(o.chain ? { chain: o.chain } : {}),
    ...(o.scriptFlags === undefined ? {} : { scriptFlags: o.scriptFlags }),
  });
  return { ...connected, hash, txids };
}

/**
 * Fully validates a block on this thread: `prepareBlock`, then every input script. If a
 * script fails the block is disconnected again, so the view is unchanged on any failure.
 */
export function validateBlock(
  block: Block,
  view: CoinView,
  o: BlockValidationOptions & { backend: Secp256k1Backend; cache?: SignatureCache },
): PreparedBlock {
  const prepared = prepareBlock(block, view, o);
  if (!prepared.ok) return prepared;
  const scripts = runScriptChecks(prepared.scriptChecks, o.backend, o.cache);
  if (scripts.ok) return prepared;
  undoPrepared(block, view, prepared, o);
  return {
    ...scripts,
    undo: { txs: [] },
    scriptChecks: [],
    hash: prepared.hash,
    txids: prepared.txids,
  };
}

/** Rolls back a successful `prepareBlock` (e.g. after a script check failed elsewhere). */
export function undoPrepared(
  block: Block,
  view: CoinView,
  prepared: PreparedBlock,
  o: { params: ConsensusParams; height: number },
): void {
  disconnectBlock(block, prepared.undo, view, {
    params: o.params,
    height: o.height,
    hash: prepared.hash,
    txids: prepared.txids,
  });
}
