import type { WorldState } from '@keel/evm';
import { bytesToHex, equalBytes, isKeelError } from '@keel/util';
import { unpackBlobs } from '../batch/blob.ts';
import { decodeBatch } from '../batch/codec.ts';
import { outputRoot, withdrawalHash, withdrawalRoot } from '../bridge/withdrawals.ts';
import { RollupError, RollupErrorCode } from '../errors.ts';
import {
  type BatchLimits,
  defaultBatchLimits,
  type L2ChainParams,
  WITHDRAWAL_TREE_DEPTH,
} from '../params.ts';
import type { Batch, Deposit } from '../types.ts';
import { type ExecutedBlock, executeL2Block, type L2Header } from './execute.ts';

/** Why a posted batch did not advance the L2 chain. Every verifier reaches the same one. */
export const SkipReason = {
  BAD_BLOBS: 'BAD_BLOBS',
  UNDECODABLE: 'UNDECODABLE',
  WRONG_INDEX: 'WRONG_INDEX',
  WRONG_PARENT: 'WRONG_PARENT',
  BAD_BLOCK_NUMBER: 'BAD_BLOCK_NUMBER',
  TIMESTAMP_DECREASING: 'TIMESTAMP_DECREASING',
  TIMESTAMP_DRIFT: 'TIMESTAMP_DRIFT',
  ORIGIN_DECREASING: 'ORIGIN_DECREASING',
  ORIGIN_TOO_NEW: 'ORIGIN_TOO_NEW',
  DEPOSIT_GAP: 'DEPOSIT_GAP',
  INVALID_BLOCK: 'INVALID_BLOCK',
  TOO_MANY_WITHDRAWALS: 'TOO_MANY_WITHDRAWALS',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** The derived L2 chain a batch is applied to. */
export interface ChainView {
  readonly state: WorldState;
  readonly head: L2Header;
  /** The next deposit nonce the L2 has not applied. */
  readonly nextDepositNonce: bigint;
  getBlockHash(n: bigint): Uint8Array | undefined;
}

/** A `BatchSubmitted` event with its data, as read from L1. */
export interface PostedBatch {
  readonly index: bigint;
  readonly l1Block: bigint;
  /** Seconds. */
  readonly l1Timestamp: bigint;
  readonly blobs: readonly Uint8Array[];
}

export type DeriveResult =
  | {
      readonly ok: true;
      readonly batch: Batch;
      /** The state after the batch (a copy; the input state is not touched). */
      readonly state: WorldState;
      readonly blocks: readonly ExecutedBlock[];
      readonly nextDepositNonce: bigint;
      readonly withdrawalLeaves: readonly Uint8Array[];
      readonly withdrawalRoot: Uint8Array;
      readonly outputRoot: Uint8Array;
    }
  | { readonly ok: false; readonly reason: SkipReason; readonly message: string };

function skip(reason: SkipReason, message: string): DeriveResult {
  return { ok: false, reason, message };
}

/** Deposits with `l1Block <= origin` not yet applied, checked consecutive from `next`. */
function takeDeposits(all: readonly Deposit[], next: bigint, origin: bigint): Deposit[] | string {
  const out: Deposit[] = [];
  for (const d of all) {
    if (d.nonce < next || d.l1Block > origin) continue;
    if (d.nonce !== next + BigInt(out.length))
      return `deposit ${d.nonce} before ${next + BigInt(out.length)}`;
    out.push(d);
  }
  return out;
}

/** Checks the batch's shape against the chain before anything executes. */
function checkShape(batch: Batch, chain: ChainView, posted: PostedBatch, p: L2ChainParams) {
  if (batch.index !== posted.index) {
    return skip(
      SkipReason.WRONG_INDEX,
      `batch says index ${batch.index}, posted as ${posted.index}`,
    );
  }
  if (!equalBytes(batch.parentHash, chain.head.hash)) {
    return skip(SkipReason.WRONG_PARENT, `parent ${bytesToHex(batch.parentHash)} is not the head`);
  }
  let prev = chain.head;
  for (const b of batch.blocks) {
    if (b.number !== prev.number + 1n) {
      return skip(SkipReason.BAD_BLOCK_NUMBER, `block ${b.number} after ${prev.number}`);
    }
    if (b.timestamp < prev.timestamp) {
      return skip(SkipReason.TIMESTAMP_DECREASING, `block ${b.number} goes back in time`);
    }
    if (b.timestamp > posted.l1Timestamp + p.maxTimestampDrift) {
      return skip(SkipReason.TIMESTAMP_DRIFT, `block ${b.number} is too far ahead of L1`);
    }
    if (b.l1Origin < prev.l1Origin) {
      return skip(SkipReason.ORIGIN_DECREASING, `block ${b.number} origin ${b.l1Origin} decreases`);
    }
    if (b.l1Origin >= posted.l1Block) {
      return skip(
        SkipReason.ORIGIN_TOO_NEW,
        `block ${b.number} origin ${b.l1Origin} not before L1 block ${posted.l1Block}`,
      );
    }
    prev = { ...prev, number: b.number, timestamp: b.timestamp, l1Origin: b.l1Origin };
  }
  return undefined;
}

/**
 * L1 data → L2 blocks for one posted batch: unpack the blobs, decode, check, execute on a copy
 * of the state. A batch that fails any rule is skipped with its reason (the chain stays as it
 * was); `deposits` must hold every Bridge deposit of L1 blocks up to `posted.l1Block`.
 */
export function deriveBatch(
  chain: ChainView,
  posted: PostedBatch,
  deposits: readonly Deposit[],
  params: L2ChainParams,
  limits: BatchLimits = defaultBatchLimits,
): DeriveResult {
  let batch: Batch;
  try {
    if (posted.blobs.length > limits.maxBlobs)
      throw new RollupError(RollupErrorCode.LIMIT_EXCEEDED, `${posted.blobs.length} blobs`);
    const data = unpackBlobs(posted.blobs, limits.maxBatchBytes);
    batch = decodeBatch(data, limits);
  } catch (e) {
    if (!isKeelError(e)) throw e;
    const reason =
      e.code === RollupErrorCode.INVALID_BLOB ? SkipReason.BAD_BLOBS : SkipReason.UNDECODABLE;
    return skip(reason, e.message);
  }
  return applyBatch(chain, batch, posted, deposits, params);
}

/** The decoded-batch half of `deriveBatch` (the sequencer uses it to check its own batches). */
export function applyBatch(
  chain: ChainView,
  batch: Batch,
  posted: Omit<PostedBatch, 'blobs'>,
  deposits: readonly Deposit[],
  params: L2ChainParams,
): DeriveResult {
  const bad = checkShape(batch, chain, { ...posted, blobs: [] }, params);
  if (bad) return bad;
  const state = chain.state.copy();
  const hashes = new Map<bigint, Uint8Array>();
  const getBlockHash = (n: bigint) => hashes.get(n) ?? chain.getBlockHash(n);
  let head = chain.head;
  let next = chain.nextDepositNonce;
  const blocks: ExecutedBlock[] = [];
  for (const data of batch.blocks) {
    const ds = takeDeposits(deposits, next, data.l1Origin);
    if (typeof ds === 'string') return skip(SkipReason.DEPOSIT_GAP, ds);
    let block: ExecutedBlock;
    try {
      block = executeL2Block(state, head, data, ds, params, getBlockHash);
    } catch (e) {
      if (!isKeelError(e)) throw e;
      return skip(SkipReason.INVALID_BLOCK, e.message);
    }
    next += BigInt(ds.length);
    hashes.set(block.header.number, block.header.hash);
    head = block.header;
    blocks.push(block);
  }
  const leaves = blocks.flatMap((b) => b.withdrawals.map(withdrawalHash));
  if (leaves.length > 2 ** WITHDRAWAL_TREE_DEPTH) {
    return skip(SkipReason.TOO_MANY_WITHDRAWALS, `${leaves.length} withdrawals in one batch`);
  }
  const wroot = withdrawalRoot(leaves);
  return {
    ok: true,
    batch,
    state,
    blocks,
    nextDepositNonce: next,
    withdrawalLeaves: leaves,
    withdrawalRoot: wroot,
    outputRoot: outputRoot(head.stateRoot, wroot, head.hash),
  };
}
