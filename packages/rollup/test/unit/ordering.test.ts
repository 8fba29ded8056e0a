import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '@keel/evm';
import {
  bidCommitment,
  orderFair,
  orderFifo,
  orderPriority,
  type PendingTx,
  RollupErrorCode,
  SealedBidAuction,
} from '../../src/index.ts';

function p(
  seq: number,
  sender: number,
  nonce: number,
  tip: bigint,
  firstSeenMs = seq * 10,
): PendingTx {
  const tx = {
    type: 2,
    nonce: BigInt(nonce),
    maxPriorityFeePerGas: tip,
    maxFeePerGas: tip + 10n,
  } as unknown as Transaction;
  return {
    raw: new Uint8Array([seq]),
    tx,
    sender: new Uint8Array(20).fill(sender),
    hash: new Uint8Array(32).fill(seq),
    firstSeenMs,
    seq,
  };
}
const seqs = (l: PendingTx[]) => l.map((x) => x.seq);

describe('sequencer ordering', () => {
  it('fifo: arrival order, each sender still in nonce order', () => {
    assert.deepEqual(
      seqs(orderFifo([p(2, 1, 1, 5n), p(1, 2, 0, 1n), p(3, 1, 0, 9n)])),
      [1, 3, 2].map((s) => s),
    );
    // sender 1's nonce-0 (seq 3) takes the first slot sender 1 held (seq 2)
    assert.deepEqual(seqs(orderFifo([p(2, 1, 1, 5n), p(1, 2, 0, 1n), p(3, 1, 0, 9n)])), [1, 3, 2]);
  });

  it('priority: highest tip first among next nonces', () => {
    const pool = [p(1, 1, 0, 1n), p(2, 1, 1, 100n), p(3, 2, 0, 50n), p(4, 3, 0, 50n)];
    // sender 1's tip-100 tx waits behind its tip-1 nonce 0
    assert.deepEqual(seqs(orderPriority(pool)), [3, 4, 1, 2]);
  });

  it('fair: window buckets in time order; inside a bucket neither fee nor timing matters', () => {
    const seed = new Uint8Array(32).fill(1);
    const a = [p(1, 1, 0, 1n, 0), p(2, 2, 0, 1000n, 5), p(3, 3, 0, 1n, 9), p(4, 4, 0, 1n, 120)];
    const o = seqs(orderFair(a, 100, seed));
    assert.equal(o[3], 4, 'the tx of the later window is last');
    const same = seqs(
      orderFair(
        [p(1, 1, 0, 1n, 9), p(2, 2, 0, 1000n, 0), p(3, 3, 0, 1n, 5), p(4, 4, 0, 1n, 120)],
        100,
        seed,
      ),
    );
    assert.deepEqual(same, o, 'moving first-seen times inside the window changes nothing');
    const other = new Set<string>();
    for (let s = 0; s < 8; s++)
      other.add(seqs(orderFair(a, 100, new Uint8Array(32).fill(s))).join());
    assert.ok(other.size > 1, 'the seed decides order within a window');
    assert.throws(() => orderFair(a, 0, seed), { code: RollupErrorCode.INVALID_INPUT });
  });
});

describe('sealed-bid auction for the top of a batch', () => {
  const A = new Uint8Array(20).fill(0xa);
  const B = new Uint8Array(20).fill(0xb);
  const C = new Uint8Array(20).fill(0xc);
  const h = (n: number) => new Uint8Array(32).fill(n);
  const salt = (n: number) => new Uint8Array(16).fill(n);

  it('commit, reveal, highest payable reveal wins; unrevealed and mismatched bids lose', () => {
    const auc = new SealedBidAuction({ start: 1000, commitMs: 100, revealMs: 100 });
    assert.equal(auc.phase(999), 'before');
    auc.commit(A, bidCommitment(A, 50n, h(1), salt(1)), 1000);
    auc.commit(B, bidCommitment(B, 80n, h(2), salt(2)), 1010);
    auc.commit(C, bidCommitment(C, 999n, h(3), salt(3)), 1020);
    assert.throws(
      () => auc.commit(A, bidCommitment(A, 60n, h(1), salt(1)), 1030),
      /already committed/,
    );
    assert.throws(() => auc.reveal(A, 50n, h(1), salt(1), 1050), /outside the reveal phase/);
    auc.reveal(A, 50n, h(1), salt(1), 1100);
    assert.throws(() => auc.reveal(B, 81n, h(2), salt(2), 1110), /does not match/);
    auc.reveal(B, 80n, h(2), salt(2), 1120);
    // C never reveals
    assert.throws(() => auc.winner(1150, () => true), /still open/);
    assert.throws(() => auc.commit(C, h(0), 1150), { code: RollupErrorCode.INVALID_BID });
    assert.equal(auc.winner(1200, () => true)?.amount, 80n);
    // B's tx cannot pay its bid: A wins
    assert.equal(auc.winner(1200, (b) => b.amount <= 50n)?.amount, 50n);
    assert.equal(
      auc.winner(1200, () => false),
      undefined,
    );
  });

  it('ties go to the earlier commitment', () => {
    const auc = new SealedBidAuction({ start: 0, commitMs: 10, revealMs: 10 });
    auc.commit(B, bidCommitment(B, 5n, h(2), salt(2)), 1);
    auc.commit(A, bidCommitment(A, 5n, h(1), salt(1)), 2);
    auc.reveal(A, 5n, h(1), salt(1), 10);
    auc.reveal(B, 5n, h(2), salt(2), 11);
    assert.deepEqual(auc.winner(20, () => true)?.bidder, B);
  });
});
