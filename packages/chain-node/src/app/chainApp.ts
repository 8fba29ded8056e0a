import type { App, Block, ProposeContext } from '@keel/consensus';
import { sha256 } from '@keel/crypto';
import { bytesToHex, type Logger } from '@keel/util';
import type { Mempool } from '../mempool/mempool.ts';
import { decodePayload, encodePayload, type Payload } from './payload.ts';
import type { ApplyResult, TransferState } from './state.ts';
import { type DecodedTx, verifyTxSignature } from './tx.ts';

export interface ChainAppOptions {
  readonly chainId: string;
  readonly maxTxsPerBlock: number;
  readonly maxPayloadBytes: number;
  readonly state: TransferState;
  readonly mempool: Mempool;
  /** Uncommitted ancestors of a block (newest first), from consensus' block tree. */
  readonly ancestors: (parentHash: Uint8Array) => Block[];
  readonly now: () => number;
  readonly onApplied: (block: Block, hash: Uint8Array, payload: Payload, r: ApplyResult) => void;
  readonly logger: Logger;
}

/**
 * Implements consensus' `App` over the transfer state: builds payloads from the mempool
 * (skipping what uncommitted ancestors already carry), validates payloads (decoding, chain id,
 * signatures) and applies committed blocks.
 */
export class ChainApp implements App {
  private readonly decoded = new Map<string, Payload>();
  private readonly verified = new Set<string>();

  constructor(private readonly o: ChainAppOptions) {}

  proposePayload(ctx: ProposeContext): Uint8Array {
    const skip = new Set<string>();
    const nextNonce = new Map<string, bigint>();
    for (const b of this.o.ancestors(ctx.parentHash)) {
      const p = this.payloadOf(b);
      for (const tx of p?.txs ?? []) {
        skip.add(tx.hashHex);
        const n = nextNonce.get(tx.fromHex);
        if (n === undefined || tx.nonce + 1n > n) nextNonce.set(tx.fromHex, tx.nonce + 1n);
      }
    }
    const txs = this.o.mempool.select(this.o.maxTxsPerBlock, this.o.maxPayloadBytes - 64, {
      skip,
      nextNonce,
    });
    return encodePayload(
      this.o.now(),
      txs.map((t) => t.raw),
    );
  }

  private payloadOf(b: Block): Payload | null {
    const key = bytesToHex(sha256(b.payload));
    const hit = this.decoded.get(key);
    if (hit) return hit;
    try {
      const p = decodePayload(b.payload, this.o.maxTxsPerBlock);
      if (this.decoded.size > 512) this.decoded.delete(this.decoded.keys().next().value as string);
      this.decoded.set(key, p);
      return p;
    } catch {
      return null;
    }
  }

  validatePayload(block: Block): boolean {
    const why = this.payloadProblem(block);
    if (why) this.o.logger.warn({ height: block.height, view: block.view, why }, 'invalid payload');
    return why === null;
  }

  private payloadProblem(block: Block): string | null {
    if (block.payload.length > this.o.maxPayloadBytes) return 'payload too large';
    const p = this.payloadOf(block);
    if (!p) return 'undecodable payload';
    for (const tx of p.txs) {
      if (tx.chainId !== this.o.chainId) return `tx ${tx.hashHex} is for chain ${tx.chainId}`;
      if (this.verified.has(tx.hashHex) || this.o.mempool.has(tx.hashHex)) continue;
      if (!verifyTxSignature(tx)) return `tx ${tx.hashHex} has an invalid signature`;
      this.remember(tx);
    }
    return null;
  }

  private remember(tx: DecodedTx): void {
    if (this.verified.size > 200_000) this.verified.clear();
    this.verified.add(tx.hashHex);
  }

  onCommit(block: Block, hash: Uint8Array): void {
    let p = this.payloadOf(block);
    if (!p) {
      // Certified by a quorum that validated it: only > 1/3 Byzantine stake gets here.
      this.o.logger.error({ height: block.height }, 'committed block has an undecodable payload');
      p = { timestamp: 0, txs: [] };
    }
    const r = this.o.state.applyBlock(block.height, p.txs);
    this.o.mempool.onCommitted(p.txs);
    this.o.onApplied(block, hash, p, r);
  }
}
