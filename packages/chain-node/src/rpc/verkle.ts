import {
  EthRpcErrorCode,
  type VerkleMethodName,
  type VerkleMigrationStatusResult,
  type VerkleStateModeResult,
  type VerkleTreeStatsResult,
  type VerkleWitnessResult,
  verkleMethodParams,
} from '@keel/api';
import {
  checkVerkleWitnessJSON,
  type EthBlockJSON,
  evmHeadOf,
  evmStateModeOf,
  verkleBlockWitness,
  verkleTreeStats,
  verkleWitnessSummary,
  verkleWitnessToJSON,
} from '@keel/ledger';
import { bytesToHex, hexToBytes, isKeelError, type Logger } from '@keel/util';
import type { WebSocket } from 'ws';
import type { ChainNode } from '../node.ts';
import { type StoredWitness, WitnessStore } from '../storage/witnessStore.ts';
import type { EthReply } from './eth/handlers.ts';

const q = (n: number | bigint) => `0x${n.toString(16)}`;

class VerkleFailure {
  constructor(
    readonly message: string,
    readonly data?: unknown,
    readonly code: number = EthRpcErrorCode.SERVER,
  ) {}
}

/**
 * Makes and keeps each committed block's execution witness on a verkle chain: a bounded queue
 * worked off one block per event-loop turn after commit (the prover costs a few hundred ms
 * per block in BigInt arithmetic; consensus messages interleave), written to the witness
 * store. With retention 0 nothing is stored and `verkle_getWitness` builds witnesses on
 * request from the ledger's recent trees (the last 512 applied blocks).
 */
export class VerkleWitnesses {
  readonly store: WitnessStore | null;
  private readonly queue: { height: number; hash: string }[] = [];
  private scheduled = false;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly node: ChainNode,
    path: string,
    readonly retentionBlocks: number,
    private readonly log: Logger,
  ) {
    const on = retentionBlocks > 0 && evmStateModeOf(node.app.state) === 'verkle';
    this.store = on ? new WitnessStore(path, retentionBlocks) : null;
    if (!this.store) return;
    node.listeners.add((kind, data) => {
      if (kind !== 'eth') return;
      const b = (data as { block: EthBlockJSON }).block;
      this.queue.push({ height: Number(BigInt(b.number)), hash: b.hash.slice(2) });
      // A node far behind (sync) must not hold an unbounded backlog: the oldest are dropped
      // and stay available on request while the ledger remembers their trees.
      if (this.queue.length > 1024) {
        this.queue.shift();
        this.dropped++;
      }
      this.schedule();
    });
  }

  verkle(): boolean {
    return evmStateModeOf(this.node.app.state) === 'verkle';
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const job = this.queue.shift();
      if (!job || this.closed) return;
      const w = this.build(job.height, job.hash);
      const store = this.store!;
      if (w)
        void store
          .put(w)
          .then(() => store.prune(job.height))
          .catch((err) => this.log.error({ err: String(err) }, 'witness store write failed'));
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** The witness from the ledger's memory (undefined when it no longer has that block). */
  build(height: number, hashHex: string): StoredWitness | undefined {
    const w = verkleBlockWitness(hexToBytes(hashHex));
    if (!w) return undefined;
    const sizes = w.witness
      ? verkleWitnessSummary(w.witness)
      : { stems: 0, keys: 0, proofBytes: 0, witnessBytes: 0 };
    return {
      number: height,
      hash: hashHex,
      parentStateRoot: bytesToHex(w.parentRoot),
      stateRoot: bytesToHex(w.root),
      ...sizes,
      keys: w.keys,
      executionWitness: w.witness ? verkleWitnessToJSON(w.witness) : null,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.store?.close();
  }
}

/** `verkle_*` JSON-RPC methods (positional params, Ethereum error codes). */
export class VerkleRpc {
  constructor(
    private readonly node: ChainNode,
    private readonly witnesses: VerkleWitnesses,
  ) {}

  handles(method: string): boolean {
    return Object.hasOwn(verkleMethodParams, method);
  }

  async handle(method: string, params: unknown): Promise<EthReply> {
    const v = verkleMethodParams[method as VerkleMethodName].safeParse(params ?? []);
    if (!v.success) {
      const msg = v.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
      return {
        error: {
          code: EthRpcErrorCode.INVALID_PARAMS,
          message: `invalid params: ${msg.join('; ')}`,
        },
      };
    }
    try {
      return { result: this.dispatch(method as VerkleMethodName, v.data as unknown[]) };
    } catch (e) {
      if (e instanceof VerkleFailure)
        return {
          error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) },
        };
      if (isKeelError(e)) return { error: { code: EthRpcErrorCode.SERVER, message: e.message } };
      throw e;
    }
  }

  private dispatch(method: VerkleMethodName, p: unknown[]): unknown {
    switch (method) {
      case 'verkle_getWitness':
        return this.witness(p[0] as string);
      case 'verkle_verifyProof':
        return checkVerkleWitnessJSON(hexToBytes((p[0] as string).slice(2)), p[1]);
      case 'verkle_getStateMode':
        return this.stateMode();
      case 'verkle_getTreeStats':
        return this.treeStats();
      case 'verkle_getMigrationStatus':
        return this.migration();
    }
  }

  private mode(): 'mpt' | 'verkle' {
    return this.witnesses.verkle() ? 'verkle' : 'mpt';
  }

  private needVerkle(): void {
    if (!evmHeadOf(this.node.app.state)) throw new VerkleFailure('the EVM is not enabled');
    if (!this.witnesses.verkle())
      throw new VerkleFailure('not a verkle chain (genesis evmState is "mpt")', {
        reason: 'mpt',
      });
  }

  private head(): number {
    return this.node.consensus.committedHeight;
  }

  private heightOf(ref: string): number {
    if (/^0x[0-9a-fA-F]{64}$/.test(ref)) {
      const hash = ref.slice(2).toLowerCase();
      const g = this.node.o.genesis.eth;
      if (g && bytesToHex(g.hash) === hash) return 0;
      const h = this.node.store.heightOfEth(hash);
      if (h === null) throw new VerkleFailure(`unknown block ${ref}`, { reason: 'unknown' });
      return h;
    }
    if (ref === 'earliest') return 0;
    if (ref === 'latest' || ref === 'safe' || ref === 'finalized' || ref === 'pending')
      return this.head();
    const n = Number(BigInt(ref));
    if (n > this.head())
      throw new VerkleFailure(`block ${n} is not committed yet (head ${this.head()})`, {
        reason: 'future',
      });
    return n;
  }

  private witness(ref: string): VerkleWitnessResult {
    this.needVerkle();
    const h = this.heightOf(ref);
    if (h === 0)
      throw new VerkleFailure('block 0 (genesis) has no execution witness', { reason: 'genesis' });
    const stored = this.witnesses.store?.get(h);
    if (stored) return { ...toResult(stored), source: 'store' };
    const hash = this.node.store.info(h)?.eth?.hash.slice(2);
    const built = hash === undefined ? undefined : this.witnesses.build(h, hash);
    if (built) return { ...toResult(built), source: 'memory' };
    const r = this.witnesses.retentionBlocks;
    const pruned = r > 0 && h <= this.witnesses.store!.prunedThrough(this.head());
    throw new VerkleFailure(
      pruned
        ? `the witness of block ${h} is pruned (retention ${r} blocks)`
        : `the witness of block ${h} is not available on this node (not stored, tree not in memory)`,
      { reason: pruned ? 'pruned' : 'unavailable', block: q(h) },
    );
  }

  private ethView(): { number: string; stateRoot: string } {
    const h = this.head();
    const view = h === 0 ? undefined : this.node.store.info(h)?.eth;
    if (view) return { number: view.number, stateRoot: view.stateRoot };
    const g = this.node.o.genesis.eth;
    if (!g) throw new VerkleFailure('the EVM is not enabled');
    return { number: '0x0', stateRoot: `0x${bytesToHex(g.header.stateRoot)}` };
  }

  private stateMode(): VerkleStateModeResult {
    return {
      mode: this.mode(),
      ...this.ethView(),
      witnessRetentionBlocks: this.witnesses.retentionBlocks,
    };
  }

  private treeStats(): VerkleTreeStatsResult {
    this.needVerkle();
    const s = verkleTreeStats(this.node.app.state);
    return {
      number: this.ethView().number,
      root: `0x${bytesToHex(s.root)}`,
      leaves: s.leaves,
      internalNodes: s.internalNodes,
      values: s.values,
      maxDepth: s.maxDepth,
    };
  }

  private migration(): VerkleMigrationStatusResult {
    // An MPT→verkle conversion of a running chain is not wired into the node yet (issue 19
    // item 2, migration): verkle chains are verkle from genesis, mpt chains stay mpt.
    const verkle = this.mode() === 'verkle';
    return {
      mode: this.mode(),
      phase: verkle ? 'done' : 'none',
      leavesPerBlock: 0,
      converted: 0,
      total: verkle ? 0 : null,
      startedAt: verkle ? '0x0' : null,
      finishedAt: verkle ? '0x0' : null,
    };
  }
}

function toResult(w: StoredWitness): Omit<VerkleWitnessResult, 'source'> {
  return {
    number: q(w.number),
    hash: `0x${w.hash}`,
    parentStateRoot: `0x${w.parentStateRoot}`,
    stateRoot: `0x${w.stateRoot}`,
    keys: w.keys,
    stems: w.stems,
    proofBytes: w.proofBytes,
    witnessBytes: w.witnessBytes,
    executionWitness: w.executionWitness as VerkleWitnessResult['executionWitness'],
  };
}

/** One `eth` slot of the RPC server for both the Ethereum and the verkle methods. */
export function withVerkleRpc(
  eth: {
    handles(m: string): boolean;
    handle(m: string, p: unknown, ctx: { ws: WebSocket | null }): Promise<EthReply>;
  },
  verkle: VerkleRpc,
) {
  return {
    handles: (m: string) => verkle.handles(m) || eth.handles(m),
    handle: (m: string, p: unknown, ctx: { ws: WebSocket | null }) =>
      verkle.handles(m) ? verkle.handle(m, p) : eth.handle(m, p, ctx),
  };
}
