/**
 * Compact block reconstruction, as Core's PartiallyDownloadedBlock: slots for every transaction,
 * prefilled ones placed, the rest matched by short id against the mempool and then the extra
 * transaction pool; what is left is requested with `getblocktxn` and filled from `blocktxn`,
 * after which the merkle root (and witness commitment) must hold.
 *
 * Statuses are Core's READ_STATUS_*: `invalid` means the peer sent something no honest peer
 * sends (punish it), `failed` means reconstruction cannot finish (a short-id collision, or a
 * filled block that does not match its header, which may also be a collision): fall back to
 * requesting the full block.
 */
import {
  type Block,
  type BlockHeader,
  blockHash,
  type Transaction,
} from '@keel/bitcoin/primitives';
import { equalBytes } from '@keel/util';
import { blockMutationReason } from './mutated.ts';
import { shortId, shortIdKey } from './shortIds.ts';
import type { CmpctBlock, CompactVersion, GetBlockTxn } from './types.ts';

/** One transaction a reconstruction can draw on, with both of its hashes (internal order). */
export interface CompactTxEntry {
  tx: Transaction;
  txid: Uint8Array;
  wtxid: Uint8Array;
}

/** A set of transactions to reconstruct from: the mempool, or the extra-transaction pool. */
export interface CompactTxSource {
  compactTxs(): Iterable<CompactTxEntry>;
}

export type ReconstructFailure = { status: 'invalid' | 'failed'; reason: string };

export interface InitCompactBlockParameters {
  mempool?: CompactTxSource;
  extra?: CompactTxSource;
  /** The version negotiated with the peer (default 2: short ids over wtxids). */
  version?: CompactVersion;
}

// Core: MAX_BLOCK_WEIGHT / MIN_SERIALIZABLE_TRANSACTION_WEIGHT.
const MAX_TXS_PER_BLOCK = 4_000_000 / 40;

function isNullTx(tx: Transaction): boolean {
  return tx.inputs.length === 0 && tx.outputs.length === 0;
}

export class PartiallyDownloadedBlock {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  /** Transactions found in the mempool / extra pool / prefilled. */
  readonly mempoolCount: number;
  readonly extraCount: number;
  readonly prefilledCount: number;
  private readonly slots: (Transaction | undefined)[];
  private filled = false;

  private constructor(
    header: BlockHeader,
    slots: (Transaction | undefined)[],
    counts: { mempool: number; extra: number; prefilled: number },
  ) {
    this.header = header;
    this.hash = blockHash(header);
    this.slots = slots;
    this.mempoolCount = counts.mempool;
    this.extraCount = counts.extra;
    this.prefilledCount = counts.prefilled;
  }

  /** Core's InitData. */
  static init(
    cmpct: CmpctBlock,
    params: InitCompactBlockParameters = {},
  ): PartiallyDownloadedBlock | ReconstructFailure {
    const { mempool, extra, version = 2 } = params;
    const total = cmpct.shortIds.length + cmpct.prefilled.length;
    if (total === 0) return { status: 'invalid', reason: 'empty compact block' };
    if (total > MAX_TXS_PER_BLOCK) return { status: 'invalid', reason: 'too many transactions' };
    const slots: (Transaction | undefined)[] = new Array(total).fill(undefined);
    let prev = -1;
    for (let i = 0; i < cmpct.prefilled.length; i++) {
      const p = cmpct.prefilled[i]!;
      if (isNullTx(p.tx)) return { status: 'invalid', reason: 'null prefilled transaction' };
      if (!Number.isInteger(p.index) || p.index <= prev) {
        return { status: 'invalid', reason: 'prefilled indexes out of order' };
      }
      // An index past every short id and earlier prefill names a slot nobody fills.
      if (p.index > cmpct.shortIds.length + i) {
        return { status: 'invalid', reason: `prefilled index ${p.index} beyond the block` };
      }
      slots[p.index] = p.tx;
      prev = p.index;
    }
    // short id -> slot index, skipping the prefilled slots in block order
    const byShortId = new Map<number, number>();
    let slot = 0;
    for (const id of cmpct.shortIds) {
      while (slots[slot] !== undefined) slot++;
      if (byShortId.has(id)) return { status: 'failed', reason: 'short id collision in block' };
      byShortId.set(id, slot++);
    }
    const key = shortIdKey(cmpct.header, cmpct.nonce);
    const have = new Uint8Array(total); // 1 once any candidate matched the slot
    const fromPool: (CompactTxEntry | undefined)[] = new Array(total);
    const fromExtra = new Uint8Array(total);
    let mempoolCount = 0;
    let extraCount = 0;
    const hashOf = (e: CompactTxEntry) => (version === 2 ? e.wtxid : e.txid);
    if (mempool) {
      for (const e of mempool.compactTxs()) {
        const idx = byShortId.get(shortId(key, hashOf(e)));
        if (idx === undefined) continue;
        if (!have[idx]) {
          have[idx] = 1;
          fromPool[idx] = e;
          mempoolCount++;
        } else if (fromPool[idx]) {
          // Two mempool transactions share the short id: request it rather than guess.
          fromPool[idx] = undefined;
          mempoolCount--;
        }
        if (mempoolCount === cmpct.shortIds.length) break;
      }
    }
    if (extra && mempoolCount < cmpct.shortIds.length) {
      for (const e of extra.compactTxs()) {
        const idx = byShortId.get(shortId(key, hashOf(e)));
        if (idx === undefined) continue;
        const held = fromPool[idx];
        if (!have[idx]) {
          have[idx] = 1;
          fromPool[idx] = e;
          fromExtra[idx] = 1;
          extraCount++;
        } else if (held && !equalBytes(held.wtxid, e.wtxid)) {
          // A different transaction under the same short id (the same one in both pools is fine).
          if (fromExtra[idx]) extraCount--;
          else mempoolCount--;
          fromPool[idx] = undefined;
        }
        if (mempoolCount + extraCount === cmpct.shortIds.length) break;
      }
    }
    for (let i = 0; i < total; i++) {
      const e = fromPool[i];
      if (e) slots[i] = e.tx;
    }
    return new PartiallyDownloadedBlock(cmpct.header, slots, {
      mempool: mempoolCount,
      extra: extraCount,
      prefilled: cmpct.prefilled.length,
    });
  }

  get txCount(): number {
    return this.slots.length;
  }

  isTxAvailable(index: number): boolean {
    return this.slots[index] !== undefined;
  }

  /** Indexes still missing, increasing: what to ask for with `getblocktxn`. */
  missingIndexes(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] === undefined) out.push(i);
    return out;
  }

  /** The `getblocktxn` request for the missing transactions (undefined when none are missing). */
  getBlockTxn(): GetBlockTxn | undefined {
    const indexes = this.missingIndexes();
    return indexes.length === 0 ? undefined : { blockHash: this.hash, indexes };
  }

  /**
   * Core's FillBlock: `missing` must hold exactly the missing transactions in index order (an
   * empty list when none were missing). Then the block must not be mutated; with
   * `segwitActive` (default true) the witness commitment is checked too.
   */
  fill(
    missing: readonly Transaction[],
    opts: { segwitActive?: boolean } = {},
  ): { status: 'ok'; block: Block } | ReconstructFailure {
    if (this.filled) return { status: 'invalid', reason: 'compact block already filled' };
    this.filled = true;
    const txs: Transaction[] = new Array(this.slots.length);
    let next = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const tx = this.slots[i] ?? missing[next++];
      if (tx === undefined) {
        return { status: 'invalid', reason: 'blocktxn holds too few transactions' };
      }
      txs[i] = tx;
    }
    if (next !== missing.length) {
      return { status: 'invalid', reason: 'blocktxn holds too many transactions' };
    }
    const block: Block = { header: this.header, txs };
    const mutation = blockMutationReason(block, opts.segwitActive ?? true);
    // A mismatch may be a short-id collision rather than a lie: fall back to the full block.
    if (mutation) return { status: 'failed', reason: `reconstructed block mutated: ${mutation}` };
    return { status: 'ok', block };
  }
}

export function isReconstructFailure(
  r: PartiallyDownloadedBlock | ReconstructFailure,
): r is ReconstructFailure {
  return !(r instanceof PartiallyDownloadedBlock);
}
