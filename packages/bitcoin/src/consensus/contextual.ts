import { concatBytes, equalBytes } from '@keel/util';
import type { Block, BlockHeader } from '../primitives/block.ts';
import { MAX_BLOCK_WEIGHT } from '../primitives/limits.ts';
import type { Transaction } from '../primitives/transaction.ts';
import { encodeScriptNum } from '../script/num.ts';
import { Opcode } from '../script/opcodes.ts';
import { type ChainView, type HeaderInfo, medianTimePast } from './chain.ts';
import { type ConsensusParams, difficultyAdjustmentInterval } from './params.ts';
import { nextWorkRequired } from './pow.ts';
import { fail, OK, type Verdict } from './verdict.ts';
import { blockWeight } from './weight.ts';
import { checkWitnessCommitment } from './witness.ts';

/** How far past the node's adjusted time a block timestamp may be (2 hours). */
export const MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
/** BIP94: the first block of a period may not be more than this before its parent. */
export const MAX_TIMEWARP = 600;
/** Locktimes below this are heights, at or above it Unix times. */
export const LOCKTIME_THRESHOLD = 500_000_000;
const SEQUENCE_FINAL = 0xffffffff;

/**
 * Core's ContextualCheckBlockHeader: bits must equal the next work required, the time must
 * exceed the median time past and not run more than two hours ahead of `adjustedTime`
 * (seconds; the caller's clock, as input), testnet4's time-warp rule, and versions below
 * 2/3/4 are rejected once BIP34/66/65 are active.
 */
export function contextualCheckBlockHeader(
  header: BlockHeader,
  prev: HeaderInfo,
  chain: ChainView,
  params: ConsensusParams,
  adjustedTime: number,
): Verdict {
  const height = prev.height + 1;
  const expected = nextWorkRequired(prev, header.time, chain, params);
  if (header.bits !== expected) {
    return fail('bad-diffbits', {
      detail: `bits ${hex32(header.bits)}, expected ${hex32(expected)}`,
    });
  }
  if (header.time <= medianTimePast(chain, prev.height)) return fail('time-too-old');
  if (
    params.enforceBIP94 &&
    height % difficultyAdjustmentInterval(params) === 0 &&
    header.time < prev.time - MAX_TIMEWARP
  ) {
    return fail('time-timewarp-attack');
  }
  if (header.time > adjustedTime + MAX_FUTURE_BLOCK_TIME) return fail('time-too-new');
  if (
    (header.version < 2 && height >= params.bip34Height) ||
    (header.version < 3 && height >= params.bip66Height) ||
    (header.version < 4 && height >= params.bip65Height)
  ) {
    return fail(`bad-version(0x${hex32(header.version)})`);
  }
  return OK;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Core's IsFinalTx: locktime 0, already passed (height or time), or every input final. */
export function isFinalTx(tx: Transaction, height: number, blockTime: number): boolean {
  if (tx.locktime === 0) return true;
  if (tx.locktime < (tx.locktime < LOCKTIME_THRESHOLD ? height : blockTime)) return true;
  return tx.inputs.every((i) => i.sequence === SEQUENCE_FINAL);
}

/** The scriptSig prefix BIP34 requires: `CScript() << height` (OP_0, OP_1..OP_16, or a push). */
export function bip34HeightPrefix(height: number): Uint8Array {
  if (height === 0) return Uint8Array.of(Opcode.OP_0);
  if (height >= 1 && height <= 16) return Uint8Array.of(Opcode.OP_1 + height - 1);
  const num = encodeScriptNum(height);
  return concatBytes(Uint8Array.of(num.length), num);
}

export interface ContextualBlockOptions {
  /**
   * The time locktimes are compared with: the parent's median time past once BIP113 (CSV)
   * is active, else the block's own time. Defaults to the block's time.
   */
  lockTimeCutoff?: number;
  /** Precomputed wtxids (internal order). */
  wtxids?: readonly Uint8Array[];
}

/**
 * Core's ContextualCheckBlock: every transaction final (BIP113), the BIP34 height in the
 * coinbase, the BIP141 witness commitment (or no witness at all), and the block weight.
 */
export function contextualCheckBlock(
  block: Block,
  height: number,
  params: ConsensusParams,
  opts: ContextualBlockOptions = {},
): Verdict {
  const cutoff = opts.lockTimeCutoff ?? block.header.time;
  for (let i = 0; i < block.txs.length; i++) {
    if (!isFinalTx(block.txs[i]!, height, cutoff)) return fail('bad-txns-nonfinal', { txIndex: i });
  }
  if (height >= params.bip34Height) {
    const expect = bip34HeightPrefix(height);
    const sig = block.txs[0]?.inputs[0]?.scriptSig ?? new Uint8Array(0);
    if (sig.length < expect.length || !equalBytes(sig.subarray(0, expect.length), expect)) {
      return fail('bad-cb-height', { txIndex: 0 });
    }
  }
  const w = checkWitnessCommitment(block, height >= params.segwitHeight, opts.wtxids);
  if (!w.ok) return w;
  if (blockWeight(block) > MAX_BLOCK_WEIGHT) return fail('bad-blk-weight');
  return OK;
}

/** The locktime cutoff for a block at prev.height + 1 (BIP113 once CSV is active). */
export function lockTimeCutoff(
  header: BlockHeader,
  prev: HeaderInfo,
  chain: ChainView,
  params: ConsensusParams,
): number {
  return prev.height + 1 >= params.csvHeight ? medianTimePast(chain, prev.height) : header.time;
}
