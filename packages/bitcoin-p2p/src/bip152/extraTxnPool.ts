import { type Transaction, txid, wtxid } from '@keel/bitcoin/primitives';
import type { CompactTxEntry, CompactTxSource } from './reconstruct.ts';

/** Core's DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN: how many extra transactions are kept. */
export const DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN = 100;

/**
 * Transactions we saw but do not hold in the mempool (orphans, replaced, evicted, rejected for
 * policy), kept for compact block reconstruction. A fixed ring: the oldest is overwritten, so
 * memory stays bounded (Core's vExtraTxnForCompact).
 */
export class ExtraTxnPool implements CompactTxSource {
  private readonly ring: (CompactTxEntry | undefined)[];
  private next = 0;

  constructor(readonly capacity: number = DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN) {
    this.ring = new Array(Math.max(0, Math.floor(capacity)));
  }

  add(tx: Transaction, hashes?: { txid: Uint8Array; wtxid: Uint8Array }): void {
    if (this.ring.length === 0) return;
    this.ring[this.next] = {
      tx,
      txid: hashes?.txid ?? txid(tx),
      wtxid: hashes?.wtxid ?? wtxid(tx),
    };
    this.next = (this.next + 1) % this.ring.length;
  }

  get size(): number {
    return this.ring.reduce((n, e) => (e ? n + 1 : n), 0);
  }

  *compactTxs(): Iterable<CompactTxEntry> {
    for (const e of this.ring) if (e) yield e;
  }
}
