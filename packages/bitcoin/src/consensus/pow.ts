import { bytesToBigIntLE } from '@keel/util';
import type { ChainView, HeaderInfo } from './chain.ts';
import { type ConsensusParams, difficultyAdjustmentInterval } from './params.ts';

const U256_MASK = (1n << 256n) - 1n;

/** A compact `nBits` decoded like Core's arith_uint256::SetCompact. */
export interface CompactTarget {
  target: bigint;
  /** The sign bit (0x00800000) was set with a non-zero mantissa. */
  negative: boolean;
  /** The value does not fit in 256 bits. */
  overflow: boolean;
}

/** nBits → target: 8-bit exponent (bytes), 23-bit mantissa, sign bit 0x00800000. */
export function compactToTarget(bits: number): CompactTarget {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = (BigInt(word) << BigInt(8 * (size - 3))) & U256_MASK;
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow =
    word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

/** Target → nBits (Core's GetCompact for a non-negative value); the inverse of compactToTarget. */
export function targetToCompact(target: bigint): number {
  if (target < 0n) target = 0n;
  let size = byteLength(target);
  let compact: number;
  if (size <= 3) compact = Number(target << BigInt(8 * (3 - size)));
  else compact = Number(target >> BigInt(8 * (size - 3)));
  // The mantissa's top bit is the sign; move one byte into the exponent instead.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return (compact | (size << 24)) >>> 0;
}

function byteLength(n: bigint): number {
  return n === 0n ? 0 : Math.ceil(n.toString(16).length / 2);
}

/** The target for `bits`, or undefined when Core would reject it (negative, zero, overflow, above powLimit). */
export function targetFromBits(bits: number, powLimit: bigint): bigint | undefined {
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow || target === 0n || target > powLimit) return undefined;
  return target;
}

/** Core's CheckProofOfWork: bits are in range and hash (as a little-endian number) <= target. */
export function checkProofOfWork(hash: Uint8Array, bits: number, powLimit: bigint): boolean {
  const target = targetFromBits(bits, powLimit);
  return target !== undefined && bytesToBigIntLE(hash) <= target;
}

/** Expected work for a block with `bits`: 2^256 / (target + 1); zero for invalid bits. */
export function blockWork(bits: number): bigint {
  const { target, negative, overflow } = compactToTarget(bits);
  if (negative || overflow || target === 0n) return 0n;
  return (1n << 256n) / (target + 1n);
}

/**
 * Core's GetNextWorkRequired: the nBits a block at `prev.height + 1` with timestamp
 * `time` must carry. `chain` gives the ancestors of (and including) `prev`.
 */
export function nextWorkRequired(
  prev: HeaderInfo | undefined,
  time: number,
  chain: ChainView,
  params: ConsensusParams,
): number {
  const limitBits = targetToCompact(params.powLimit);
  if (!prev) return limitBits;
  const interval = difficultyAdjustmentInterval(params);
  if ((prev.height + 1) % interval !== 0) {
    if (!params.powAllowMinDifficultyBlocks) return prev.bits;
    // testnet: a block more than 20 minutes after its parent may be min-difficulty
    if (time > prev.time + params.powTargetSpacing * 2) return limitBits;
    // otherwise the last block that was not such a special block sets the difficulty
    let walk = prev;
    while (walk.height > 0 && walk.height % interval !== 0 && walk.bits === limitBits) {
      const parent = chain.at(walk.height - 1);
      if (!parent) break;
      walk = parent;
    }
    return walk.bits;
  }
  const first = chain.at(prev.height - (interval - 1));
  if (!first) return prev.bits;
  return calculateNextWorkRequired(prev, first, params);
}

/** The retarget at a period boundary: scale by actual/target timespan, clamped to [¼, 4×]. */
export function calculateNextWorkRequired(
  last: HeaderInfo,
  first: HeaderInfo,
  params: ConsensusParams,
): number {
  if (params.powNoRetargeting) return last.bits;
  let actual = last.time - first.time;
  const span = params.powTargetTimespan;
  if (actual < span / 4) actual = span / 4;
  if (actual > span * 4) actual = span * 4;
  // BIP94: use the first block of the period, which cannot be a min-difficulty block
  const base = compactToTarget(params.enforceBIP94 ? first.bits : last.bits).target;
  let next = ((base * BigInt(Math.floor(actual))) & U256_MASK) / BigInt(span);
  if (next > params.powLimit) next = params.powLimit;
  return targetToCompact(next);
}
