import { checkWitnessCommitment } from '@keel/bitcoin/consensus';
import {
  type Block,
  computeMerkleRoot,
  encodeTransaction,
  isCoinbase,
  txid,
} from '@keel/bitcoin/primitives';
import { equalBytes } from '@keel/util';

/**
 * Core's IsBlockMutated: the merkle root must match the header and not be CVE-2012-2459-mutated;
 * then either (no coinbase) no transaction may be 64 bytes without witness, or the witness
 * commitment must hold (`checkWitnessRoot`, i.e. segwit active) and no witness may appear without
 * one. Returns Core's reason, or undefined for an intact block.
 */
export function blockMutationReason(
  block: Block,
  checkWitnessRoot: boolean,
  txids?: readonly Uint8Array[],
): string | undefined {
  const ids = txids ?? block.txs.map(txid);
  const { root, mutated } = computeMerkleRoot(ids);
  if (!equalBytes(root, block.header.merkleRoot)) return 'bad-txnmrklroot';
  if (mutated) return 'bad-txns-duplicate';
  const first = block.txs[0];
  if (first === undefined || !isCoinbase(first)) {
    return block.txs.some((tx) => encodeTransaction(tx, false).length === 64)
      ? 'bad-txns-64-byte-tx'
      : undefined;
  }
  const witness = checkWitnessCommitment(block, checkWitnessRoot);
  return witness.ok ? undefined : witness.reason;
}
