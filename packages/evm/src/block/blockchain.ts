import type { KzgBackend } from '@keel/crypto/kzg';
import { bytesToHex, equalBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import type { WorldState } from '../state/types.ts';
import { type ApplyBlockResult, applyBlock } from './applyBlock.ts';
import type { Block } from './block.ts';
import type { ChainConfig } from './chainConfig.ts';
import { type BlockHeader, headerHash } from './header.ts';

/** BLOCKHASH reaches back 256 blocks. */
const BLOCK_HASH_WINDOW = 256n;

export interface BlockchainOptions {
  readonly config: ChainConfig;
  readonly genesis: BlockHeader;
  /** The state after genesis (the chain keeps it; a block is applied to a `copy()` of its parent's). */
  readonly genesisState: WorldState;
  readonly kzg?: KzgBackend | undefined;
}

/**
 * A single-branch chain: blocks are imported on the head only (no reorgs; a block whose parent
 * is not the head is rejected). Each block is applied to a copy of the head state, so a
 * rejected block leaves the chain as it was.
 */
export class Blockchain {
  readonly config: ChainConfig;
  private readonly opts: BlockchainOptions;
  private readonly headers: BlockHeader[];
  private readonly hashes: Uint8Array[];
  private current: WorldState;

  constructor(opts: BlockchainOptions) {
    this.opts = opts;
    this.config = opts.config;
    this.headers = [opts.genesis];
    this.hashes = [headerHash(opts.genesis)];
    this.current = opts.genesisState;
  }

  get head(): BlockHeader {
    return this.headers[this.headers.length - 1]!;
  }

  get headHash(): Uint8Array {
    return this.hashes[this.hashes.length - 1]!;
  }

  /** The state after the head block. */
  get state(): WorldState {
    return this.current;
  }

  /** Hash of the canonical block at `n`, if the chain has it. */
  blockHash(n: bigint): Uint8Array | undefined {
    const i = n - this.opts.genesis.number;
    return i >= 0n && i < BigInt(this.hashes.length) ? this.hashes[Number(i)] : undefined;
  }

  /** Validates and applies `block` on the head; throws `BLOCK_INVALID` and keeps the head if invalid. */
  importBlock(block: Block): ApplyBlockResult {
    const parent = this.head;
    if (!equalBytes(block.header.parentHash, this.headHash)) {
      throw new EvmError(
        EvmErrorCode.BLOCK_INVALID,
        `block ${block.header.number}: parent 0x${bytesToHex(block.header.parentHash)} is not the head (side chains are not supported)`,
      );
    }
    const number = block.header.number;
    const getBlockHash = (n: bigint) =>
      n < number && n >= number - BLOCK_HASH_WINDOW ? this.blockHash(n) : undefined;
    const next = this.current.copy();
    const result = applyBlock(next, block, parent, this.config, {
      getBlockHash,
      kzg: this.opts.kzg,
    });
    this.current = next;
    this.headers.push(block.header);
    this.hashes.push(headerHash(block.header));
    return result;
  }
}
