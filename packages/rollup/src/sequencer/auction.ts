import { keccak256 } from '@keel/crypto';
import type { Address } from '@keel/evm';
import { bigIntToBytes, bytesToHex, concatBytes, equalBytes } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';

/** `keccak256(bidder ‖ u256 amount ‖ txHash ‖ salt)`: binds the bid without revealing it. */
export function bidCommitment(
  bidder: Address,
  amount: bigint,
  txHash: Uint8Array,
  salt: Uint8Array,
): Uint8Array {
  return keccak256(concatBytes(bidder, bigIntToBytes(amount, 32), txHash, salt));
}

export interface AuctionTimes {
  /** Commit phase [start, start + commitMs), reveal phase [.., + revealMs). Times in ms. */
  readonly start: number;
  readonly commitMs: number;
  readonly revealMs: number;
}

export interface RevealedBid {
  readonly bidder: Address;
  readonly amount: bigint;
  readonly txHash: Uint8Array;
  readonly committedAt: number;
}

function refuse(message: string): never {
  throw new RollupError(RollupErrorCode.INVALID_BID, message);
}

/**
 * A sealed-bid first-price auction for the first slot of one batch (commit-reveal). Bidders
 * commit during the commit phase, reveal during the reveal phase; one commitment per bidder. The
 * winner is the highest revealed amount whose tx `isPayable` confirms (the tx must pay the bid
 * to the sequencer, e.g. as priority fee × gas), ties to the earlier commitment. Unrevealed
 * commitments simply lose. Time is always an argument.
 */
export class SealedBidAuction {
  readonly #times: AuctionTimes;
  readonly #commits = new Map<string, { commitment: Uint8Array; at: number }>();
  readonly #reveals = new Map<string, RevealedBid>();
  readonly #maxBidders: number;

  constructor(times: AuctionTimes, maxBidders = 1000) {
    if (times.commitMs <= 0 || times.revealMs <= 0) refuse('auction phases must be > 0 ms');
    this.#times = times;
    this.#maxBidders = maxBidders;
  }

  phase(nowMs: number): 'before' | 'commit' | 'reveal' | 'closed' {
    const { start, commitMs, revealMs } = this.#times;
    if (nowMs < start) return 'before';
    if (nowMs < start + commitMs) return 'commit';
    if (nowMs < start + commitMs + revealMs) return 'reveal';
    return 'closed';
  }

  commit(bidder: Address, commitment: Uint8Array, nowMs: number): void {
    if (this.phase(nowMs) !== 'commit')
      refuse(`commit outside the commit phase (${this.phase(nowMs)})`);
    if (commitment.length !== 32) refuse('a commitment is 32 bytes');
    const k = bytesToHex(bidder);
    if (this.#commits.has(k)) refuse(`bidder ${k} already committed`);
    if (this.#commits.size >= this.#maxBidders)
      refuse(`auction full (${this.#maxBidders} bidders)`);
    this.#commits.set(k, { commitment, at: nowMs });
  }

  reveal(
    bidder: Address,
    amount: bigint,
    txHash: Uint8Array,
    salt: Uint8Array,
    nowMs: number,
  ): void {
    if (this.phase(nowMs) !== 'reveal')
      refuse(`reveal outside the reveal phase (${this.phase(nowMs)})`);
    const k = bytesToHex(bidder);
    const c = this.#commits.get(k);
    if (!c) refuse(`bidder ${k} has no commitment`);
    if (this.#reveals.has(k)) refuse(`bidder ${k} already revealed`);
    if (amount < 0n || amount >= 1n << 256n) refuse('bid amount out of range');
    if (!equalBytes(bidCommitment(bidder, amount, txHash, salt), c.commitment)) {
      refuse('reveal does not match the commitment');
    }
    this.#reveals.set(k, { bidder, amount, txHash, committedAt: c.at });
  }

  /** The winning bid once the auction closed (undefined if no valid reveal). */
  winner(nowMs: number, isPayable: (bid: RevealedBid) => boolean): RevealedBid | undefined {
    if (this.phase(nowMs) !== 'closed') refuse('the auction is still open');
    let best: RevealedBid | undefined;
    for (const b of this.#reveals.values()) {
      if (!isPayable(b)) continue;
      if (
        !best ||
        b.amount > best.amount ||
        (b.amount === best.amount && b.committedAt < best.committedAt)
      ) {
        best = b;
      }
    }
    return best;
  }
}
