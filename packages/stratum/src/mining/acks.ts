/**
 * Batched share acknowledgements (sv2-spec 05 §5.3.13): one SubmitShares.Success may cover many
 * accepted shares — the last sequence number, how many, and the sum of their difficulty. Errors
 * are never batched (SubmitShares.Error goes out at once), so a batch must be flushed before an
 * error for the same channel to keep the client's view in order.
 */
import type { Sv2Payload } from '../codec/messages.ts';

interface Pending {
  last: number;
  count: number;
  sum: bigint;
}

export class ShareAckBatcher {
  private readonly maxBatch: number;
  private readonly pending = new Map<number, Pending>();

  /** `maxBatch` accepted shares per Success message (1 = acknowledge every share). */
  constructor(maxBatch = 10) {
    this.maxBatch = Math.max(1, Math.floor(maxBatch));
  }

  /** Records an accepted share; returns a Success to send when the batch is full. */
  accept(
    channelId: number,
    sequenceNumber: number,
    difficulty: bigint,
  ): Sv2Payload<'SubmitSharesSuccess'> | undefined {
    const p = this.pending.get(channelId) ?? { last: 0, count: 0, sum: 0n };
    p.last = sequenceNumber;
    p.count++;
    p.sum += difficulty;
    this.pending.set(channelId, p);
    return p.count >= this.maxBatch ? this.flush(channelId) : undefined;
  }

  /** The pending Success for one channel (before an error, on a timer, on close), if any. */
  flush(channelId: number): Sv2Payload<'SubmitSharesSuccess'> | undefined {
    const p = this.pending.get(channelId);
    if (p === undefined) return undefined;
    this.pending.delete(channelId);
    const sum = p.sum > 0xffffffffffffffffn ? 0xffffffffffffffffn : p.sum;
    return {
      channelId,
      lastSequenceNumber: p.last,
      newSubmitsAcceptedCount: p.count,
      newSharesSum: sum,
    };
  }

  /** Every pending Success (a periodic timer in the I/O layer calls this). */
  flushAll(): Sv2Payload<'SubmitSharesSuccess'>[] {
    return [...this.pending.keys()].map((id) => this.flush(id)!);
  }
}
