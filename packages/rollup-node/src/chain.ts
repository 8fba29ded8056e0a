import type { WorldState } from '@keel/evm';
import {
  type ChainView,
  type ExecutedBlock,
  type L2Header,
  outputRoot,
  withdrawalHash,
  withdrawalRoot,
} from '@keel/rollup';
import { bytesToHex } from '@keel/util';

/** A batch as L1 recorded it (boundaries from `BatchSubmitted.lastL2Block`). */
export interface BatchRecord {
  readonly index: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly outputRoot: Uint8Array;
  readonly l1Block: bigint;
}

/** The L2 chain in memory: state, executed blocks, a tx index, and the batches L1 holds. */
export class L2Chain implements ChainView {
  state: WorldState;
  readonly blocks: ExecutedBlock[] = [];
  readonly genesis: L2Header;
  readonly batches: BatchRecord[] = [];
  nextDepositNonce = 0n;
  readonly #txIndex = new Map<string, { block: bigint; index: number }>();
  readonly #blockIndex = new Map<string, bigint>();

  constructor(state: WorldState, genesis: L2Header) {
    this.state = state;
    this.genesis = genesis;
    this.#blockIndex.set(bytesToHex(genesis.hash), 0n);
  }

  get head(): L2Header {
    return this.blocks.length === 0 ? this.genesis : this.blocks[this.blocks.length - 1]!.header;
  }

  header(n: bigint): L2Header | undefined {
    if (n === 0n) return this.genesis;
    return this.blocks[Number(n) - 1]?.header;
  }

  block(n: bigint): ExecutedBlock | undefined {
    return n >= 1n ? this.blocks[Number(n) - 1] : undefined;
  }

  getBlockHash(n: bigint): Uint8Array | undefined {
    return this.header(n)?.hash;
  }

  /** Appends an executed block (its effects already in `state`). */
  push(b: ExecutedBlock): void {
    this.blocks.push(b);
    this.nextDepositNonce += BigInt(b.deposits.length);
    this.#blockIndex.set(bytesToHex(b.header.hash), b.header.number);
    b.receipts.forEach((r, i) => {
      this.#txIndex.set(bytesToHex(r.txHash), { block: b.header.number, index: i });
    });
  }

  findTx(hash: Uint8Array): { block: ExecutedBlock; index: number } | undefined {
    const at = this.#txIndex.get(bytesToHex(hash));
    return at ? { block: this.block(at.block)!, index: at.index } : undefined;
  }

  /** The number of the block with hash `hash`, if it is in the chain. */
  numberOf(hash: Uint8Array): bigint | undefined {
    return this.#blockIndex.get(bytesToHex(hash));
  }

  /** The withdrawal leaves and output root over blocks `first..last`. */
  outputOf(first: bigint, last: bigint): { leaves: Uint8Array[]; root: Uint8Array } {
    const leaves: Uint8Array[] = [];
    for (let n = first; n <= last; n++)
      leaves.push(...this.block(n)!.withdrawals.map(withdrawalHash));
    const h = this.header(last)!;
    return { leaves, root: outputRoot(h.stateRoot, withdrawalRoot(leaves), h.hash) };
  }

  batchOfBlock(n: bigint): BatchRecord | undefined {
    return this.batches.find((b) => b.firstBlock <= n && n <= b.lastBlock);
  }

  /** Last L2 block covered by a posted batch (0 before any). */
  get postedHead(): bigint {
    return this.batches.length === 0 ? 0n : this.batches[this.batches.length - 1]!.lastBlock;
  }
}
