import type { App, Block, ProposeContext, ValidatorInfo } from '@keel/consensus';
import {
  type BlockResult,
  getAccount,
  isEvidenceTx,
  type Ledger,
  type LedgerState,
  stateRoot,
  txHash,
  txSender,
} from '@keel/ledger';
import { bytesToHex, hexToBytes, type Logger } from '@keel/util';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import type { Mempool, MempoolTx } from '../mempool/mempool.ts';
import { epochInfos } from './epochs.ts';
import { decodePayload, encodePayload, type Payload } from './payload.ts';

export interface LedgerAppOptions {
  readonly ledger: Ledger;
  /** The committed state the node starts from (genesis or loaded from the store). */
  readonly committed: LedgerState;
  readonly committedHash: string;
  /** Height of `committed` (evidence is checked as for the next block). */
  readonly committedHeight?: number;
  readonly maxTxsPerBlock: number;
  readonly maxPayloadBytes: number;
  readonly mempool: () => Mempool;
  readonly now: () => number;
  /** A block consensus holds (to execute fetched ancestors of a proposal). */
  readonly blockByHash: (hashHex: string) => Block | null;
  readonly onApplied: (block: Block, hash: Uint8Array, payload: Payload, r: BlockResult) => void;
  readonly logger: Logger;
  /** Whether the blob pool holds (verified) the sidecar of a blob transaction. */
  readonly blobSidecarKnown?: (hashHex: string) => boolean;
}

interface Executed {
  readonly result: BlockResult;
  readonly payload: Payload;
  readonly height: number;
}

/**
 * Consensus' `App` over `@keel/ledger`. Every block is executed on its parent's state when it
 * is proposed or validated (the ledger's states are immutable, so each uncommitted fork keeps
 * its own); a block whose transactions fail the ledger's checks gets no vote. Commits reuse
 * that execution and hand the writes to the node to persist.
 */
export class LedgerApp implements App {
  private committed: LedgerState;
  private committedHash: string;
  private readonly executed = new Map<string, Executed>();
  private committedHeight: number;
  /** Verified evidence transactions waiting for a block, by hash (bounded). */
  private readonly evidence = new Map<string, Uint8Array>();

  constructor(private readonly o: LedgerAppOptions) {
    this.committed = o.committed;
    this.committedHash = o.committedHash;
    this.committedHeight = o.committedHeight ?? 0;
  }

  /**
   * Admits an evidence transaction (our consensus' `evidence` output or gossip) after the
   * ledger's check against the committed state as for the next block. Returns the verdict:
   * `new`, `known`, or the ledger's refusal (a peer that sent it is penalized by the caller).
   */
  addEvidence(
    raw: Uint8Array,
  ): { status: 'new' | 'known' } | { status: 'rejected'; reason: string; message: string } {
    const hashHex = bytesToHex(txHash(raw));
    if (this.evidence.has(hashHex)) return { status: 'known' };
    const v = this.o.ledger.checkEvidence(this.committed, raw, BigInt(this.committedHeight + 1));
    if (!v.ok) return { status: 'rejected', reason: v.reason, message: v.error.message };
    if (this.evidence.size < 256) this.evidence.set(hashHex, raw);
    return { status: 'new' };
  }

  get pendingEvidence(): number {
    return this.evidence.size;
  }

  nextEpochValidators(
    _block: Block,
    _hash: Uint8Array,
    nextEpoch: number,
  ): ValidatorInfo[] | undefined {
    const list = this.o.ledger.epochValidators(this.committed, nextEpoch);
    return list ? epochInfos(list) : undefined;
  }

  get state(): LedgerState {
    return this.committed;
  }

  /** The mempool's admission check: the ledger's `checkTx` against the committed state. */
  checkTx(raw: Uint8Array): MempoolTx {
    const v = this.o.ledger.checkTx(this.committed, raw, { allowFutureNonce: true });
    if (!v.ok) {
      const code =
        v.reason === 'malformed' ? ChainNodeErrorCode.INVALID_TX : ChainNodeErrorCode.TX_REJECTED;
      throw new ChainNodeError(code, v.error.message, { reason: v.reason });
    }
    if (v.ethType === 3 && !this.o.blobSidecarKnown?.(bytesToHex(v.txHash))) {
      // The network form with the sidecar (blobs, commitments, proofs) is not served yet.
      throw new ChainNodeError(
        ChainNodeErrorCode.TX_REJECTED,
        'a blob transaction (type 3) needs its sidecar: send the network form (0x03 ‖ rlp([tx, blobs, commitments, proofs]))',
        { reason: 'blob_unsupported' },
      );
    }
    return {
      raw,
      hashHex: bytesToHex(v.txHash),
      fromHex: bytesToHex(v.from),
      nonce: v.nonce,
      fee: v.feePerGas,
      cost: v.maxCost,
    };
  }

  account(addrHex: string) {
    return getAccount(this.committed, hexToBytes(addrHex));
  }

  /**
   * The state after `parentHash`: committed, executed already, or (a block fetched by block
   * sync, never validated here) executed now on its own parent's state, recursively.
   */
  private parentState(parentHash: Uint8Array, depth = 0): LedgerState | null {
    const key = bytesToHex(parentHash);
    if (key === this.committedHash) return this.committed;
    const known = this.executed.get(key);
    if (known) return known.result.state;
    const block = this.o.blockByHash(key);
    if (!block || depth > 256) return null;
    const parent = this.parentState(block.parentHash, depth + 1);
    if (!parent) return null;
    try {
      const payload = decodePayload(block.payload, this.o.maxTxsPerBlock);
      const result = this.o.ledger.applyBlock(parent, payload.txs, {
        height: BigInt(block.height),
        time: BigInt(payload.timestamp),
      });
      this.remember(key, block, { result, payload, height: block.height });
      return result.state;
    } catch {
      return null;
    }
  }

  private execute(block: Block, txs: readonly Uint8Array[], skipInvalid: boolean) {
    const parent = this.parentState(block.parentHash);
    if (!parent) return null;
    // Transactions our mempool admitted had their signatures checked by `checkTx` already.
    const mempool = this.o.mempool();
    const signaturesVerified = txs.every(
      (raw) => isEvidenceTx(raw) || mempool.has(bytesToHex(txHash(raw))),
    );
    return this.o.ledger.applyBlock(
      parent,
      txs,
      { height: BigInt(block.height), time: BigInt(this.timestampOf(block)) },
      { skipInvalid, signaturesVerified },
    );
  }

  private timestampOf(block: Block): number {
    try {
      return decodePayload(block.payload, this.o.maxTxsPerBlock).timestamp;
    } catch {
      return 0;
    }
  }

  proposePayload(ctx: ProposeContext): Uint8Array {
    const now = this.o.now();
    const parent = this.parentState(ctx.parentHash);
    if (!parent) {
      // Peers will refuse this block (its parent root is zero): the view is lost, say why.
      this.o.logger.warn(
        { height: ctx.height, view: ctx.view, parent: bytesToHex(ctx.parentHash) },
        'proposing without the parent state',
      );
      return encodePayload(now, new Uint8Array(32), []);
    }
    const skip = new Set<string>();
    const nextNonce = new Map<string, bigint>();
    for (const e of this.ancestors(ctx.parentHash)) {
      for (const raw of e.payload.txs) {
        skip.add(bytesToHex(txHash(raw)));
        if (isEvidenceTx(raw)) continue;
        const t = txSender(raw);
        const from = bytesToHex(t.from);
        const n = nextNonce.get(from);
        if (n === undefined || t.nonce + 1n > n) nextNonce.set(from, t.nonce + 1n);
      }
    }
    const picked = this.o.mempool().select(this.o.maxTxsPerBlock, this.o.maxPayloadBytes - 64, {
      skip,
      nextNonce,
    });
    // Evidence first (no gas, no sender); the ledger drops what no longer applies.
    const evidence = [...this.evidence.entries()].filter(([h]) => !skip.has(h)).slice(0, 16);
    const raws = [...evidence.map(([, raw]) => raw), ...picked.map((t) => t.raw)];
    const r = this.o.ledger.applyBlock(
      parent,
      raws,
      { height: BigInt(ctx.height), time: BigInt(now) },
      { skipInvalid: true, signaturesVerified: true },
    );
    for (const x of r.rejected) {
      if (x.index < evidence.length) this.evidence.delete(evidence[x.index]![0]);
      else this.o.mempool().remove(picked[x.index - evidence.length]!.hashHex);
    }
    return encodePayload(
      now,
      stateRoot(parent),
      r.applied.map((i) => raws[i]!),
    );
  }

  /** Executed uncommitted ancestors of `parentHash`, newest first. */
  private ancestors(parentHash: Uint8Array): Executed[] {
    const out: Executed[] = [];
    let key = bytesToHex(parentHash);
    for (;;) {
      const e = this.executed.get(key);
      const p = this.parents.get(key);
      if (!e || !p) break;
      out.push(e);
      key = bytesToHex(p);
    }
    return out;
  }

  private readonly parents = new Map<string, Uint8Array>();

  validatePayload(block: Block, hash: Uint8Array): boolean {
    const key = bytesToHex(hash);
    if (this.executed.has(key)) return true;
    if (block.payload.length > this.o.maxPayloadBytes) return this.invalid(block, 'too large');
    let payload: Payload;
    try {
      payload = decodePayload(block.payload, this.o.maxTxsPerBlock);
    } catch (e) {
      return this.invalid(block, `undecodable: ${(e as Error).message}`);
    }
    const parent = this.parentState(block.parentHash);
    if (!parent) return this.invalid(block, 'parent state unknown', true);
    if (bytesToHex(stateRoot(parent)) !== bytesToHex(payload.parentStateRoot)) {
      return this.invalid(block, 'parent state root differs from our execution');
    }
    let result: BlockResult | null;
    try {
      result = this.execute(block, payload.txs, false);
    } catch (e) {
      return this.invalid(block, (e as Error).message);
    }
    if (!result) return this.invalid(block, 'parent state unknown', true);
    this.remember(key, block, { result, payload, height: block.height });
    return true;
  }

  private remember(key: string, block: Block, e: Executed): void {
    this.executed.set(key, e);
    this.parents.set(key, block.parentHash);
  }

  /**
   * Whether the last refused payload was refused for a lack of ours (the parent's state, e.g.
   * right after a restart), not for anything wrong with the block: no reason to blame its sender.
   */
  lastRefusalLocal = false;

  private invalid(block: Block, why: string, local = false): boolean {
    this.lastRefusalLocal = local;
    this.o.logger[local ? 'debug' : 'warn'](
      { height: block.height, view: block.view, why },
      'invalid payload',
    );
    return false;
  }

  onCommit(block: Block, hash: Uint8Array): void {
    const key = bytesToHex(hash);
    let e = this.executed.get(key);
    if (!e || bytesToHex(block.parentHash) !== this.committedHash) {
      // Fetched by block sync (never validated here): certified by a quorum that executed it.
      let payload: Payload = { timestamp: 0, parentStateRoot: new Uint8Array(32), txs: [] };
      try {
        payload = decodePayload(block.payload, this.o.maxTxsPerBlock);
      } catch {
        this.o.logger.error({ height: block.height }, 'committed block has an undecodable payload');
      }
      const result = this.o.ledger.applyBlock(
        this.committed,
        payload.txs,
        { height: BigInt(block.height), time: BigInt(payload.timestamp) },
        { skipInvalid: true },
      );
      e = { result, payload, height: block.height };
    }
    this.committed = e.result.state;
    this.committedHash = key;
    this.committedHeight = block.height;
    for (const [k, x] of this.executed) {
      if (x.height <= block.height) {
        this.executed.delete(k);
        this.parents.delete(k);
      }
    }
    const txs = [];
    for (const raw of e.payload.txs) {
      const hashHex = bytesToHex(txHash(raw));
      if (isEvidenceTx(raw)) this.evidence.delete(hashHex);
      else txs.push({ hashHex, fromHex: bytesToHex(txSender(raw).from) });
    }
    this.o.mempool().onCommitted(txs);
    this.o.onApplied(block, hash, e.payload, e.result);
  }

  /** After state sync replaced the committed state. */
  reset(state: LedgerState, hashHex: string, height?: number): void {
    this.committed = state;
    this.committedHash = hashHex;
    if (height !== undefined) this.committedHeight = height;
    this.executed.clear();
    this.parents.clear();
  }

  root(): Uint8Array {
    return stateRoot(this.committed);
  }
}
