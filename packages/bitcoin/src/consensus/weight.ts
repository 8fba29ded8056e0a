import { compactSizeLength } from '@keel/util';
import { BLOCK_HEADER_SIZE, type Block } from '../primitives/block.ts';
import { WITNESS_SCALE_FACTOR } from '../primitives/limits.ts';
import { transactionSizes } from '../primitives/transaction.ts';

/** Serialized size without witness data. */
export function strippedSize(block: Block): number {
  let size = BLOCK_HEADER_SIZE + compactSizeLength(block.txs.length);
  for (const tx of block.txs) size += transactionSizes(tx).base;
  return size;
}

/** BIP141 block weight: stripped size × 3 + total size. */
export function blockWeight(block: Block): number {
  let weight = (BLOCK_HEADER_SIZE + compactSizeLength(block.txs.length)) * WITNESS_SCALE_FACTOR;
  for (const tx of block.txs) weight += transactionSizes(tx).weight;
  return weight;
}
