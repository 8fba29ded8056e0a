import type { Transaction } from '../primitives/transaction.ts';

/** BIP68: bit 31 set → the input has no relative lock. */
export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
/** BIP68: bit 22 set → the lock is in units of 512 seconds, else in blocks. */
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
export const SEQUENCE_LOCKTIME_GRANULARITY = 9;

/** The last height and time at which the transaction is still locked (-1: not locked). */
export interface SequenceLock {
  minHeight: number;
  minTime: number;
}

/**
 * Core's CalculateSequenceLocks (BIP68) for a transaction in the block at `blockHeight`.
 * `coinHeights[i]` is the height that created input i's coin; `medianTimePastAt(h)` gives
 * the median time past of the block at height h (only asked for time-based locks).
 */
export function calculateSequenceLocks(
  tx: Transaction,
  enforce: boolean,
  coinHeights: readonly number[],
  medianTimePastAt: (height: number) => number,
): SequenceLock {
  let minHeight = -1;
  let minTime = -1;
  // BIP68 applies to version >= 2 only (version is read as unsigned, as Core does)
  if (!enforce || tx.version >>> 0 < 2) return { minHeight, minTime };
  tx.inputs.forEach((input, i) => {
    const seq = input.sequence >>> 0;
    if (seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) return;
    const coinHeight = coinHeights[i]!;
    const value = seq & SEQUENCE_LOCKTIME_MASK;
    if (seq & SEQUENCE_LOCKTIME_TYPE_FLAG) {
      const coinTime = medianTimePastAt(Math.max(coinHeight - 1, 0));
      // "-1": the lock is the last time at which the input is still locked
      minTime = Math.max(minTime, coinTime + value * 2 ** SEQUENCE_LOCKTIME_GRANULARITY - 1);
    } else {
      minHeight = Math.max(minHeight, coinHeight + value - 1);
    }
  });
  return { minHeight, minTime };
}

/** Core's EvaluateSequenceLocks: satisfied when both locks are below the block's height / parent MTP. */
export function evaluateSequenceLocks(
  lock: SequenceLock,
  blockHeight: number,
  prevMedianTimePast: number,
): boolean {
  return lock.minHeight < blockHeight && lock.minTime < prevMedianTimePast;
}

/** True when some input carries a BIP68 lock (so the chain's MTPs may be needed). */
export function hasSequenceLocks(tx: Transaction): boolean {
  return (
    tx.version >>> 0 >= 2 && tx.inputs.some((i) => !(i.sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG))
  );
}
