import { keccak256 } from '@keel/crypto';
import type { Deposit } from '@keel/rollup';
import { bytesToHex } from '@keel/util';
import type { Hex } from 'viem';
import type { BatchSubmitter, L1Reader, SubmittedBatch } from '../../src/index.ts';

const hex = (b: Uint8Array): Hex => `0x${bytesToHex(b)}`;

/**
 * An L1 in memory for unit tests: every submitted batch is its own block, a blob is looked up
 * by keccak256 of its bytes (versioned hashes and KZG are the real L1's business, covered by the
 * e2e test). Block timestamps are `genesisTs + 2·number`.
 */
export class MemoryL1 implements L1Reader {
  number = 1n;
  readonly genesisTs: bigint;
  readonly posted: SubmittedBatch[] = [];
  readonly deposited: Deposit[] = [];
  readonly #blobs = new Map<string, Uint8Array>();

  constructor(genesisTs: bigint) {
    this.genesisTs = genesisTs;
  }

  async head(): Promise<bigint> {
    return this.number;
  }

  async timestamp(block: bigint): Promise<bigint> {
    return this.genesisTs + 2n * block;
  }

  async deposits(_bridge: Hex, from: bigint, to: bigint): Promise<Deposit[]> {
    return this.deposited.filter((d) => d.l1Block >= from && d.l1Block <= to);
  }

  async batches(_rollup: Hex, from: bigint, to: bigint): Promise<SubmittedBatch[]> {
    return this.posted.filter((b) => b.l1Block >= from && b.l1Block <= to);
  }

  async blobs(_block: bigint, hashes: readonly Hex[]): Promise<Uint8Array[] | undefined> {
    const out = hashes.map((h) => this.#blobs.get(h));
    return out.every((b) => b !== undefined) ? (out as Uint8Array[]) : undefined;
  }

  /** Adds a Bridge.deposit in a new L1 block. */
  deposit(d: Omit<Deposit, 'nonce' | 'l1Block'>): void {
    this.number++;
    this.deposited.push({ ...d, nonce: BigInt(this.deposited.length), l1Block: this.number });
  }

  submitter(address: Hex): BatchSubmitter {
    return {
      address,
      submit: async (_rollup, blobs, outputRoot, lastL2Block) => {
        this.number++;
        const blobHashes = blobs.map((b) => {
          const h = hex(keccak256(b));
          this.#blobs.set(h, b);
          return h;
        });
        this.posted.push({
          index: BigInt(this.posted.length),
          outputRoot,
          lastL2Block,
          blobHashes,
          l1Block: this.number,
        });
        return { l1Block: this.number, blobGasUsed: BigInt(blobs.length) << 17n, blobBaseFee: 1n };
      },
    };
  }
}
