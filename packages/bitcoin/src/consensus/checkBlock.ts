import type { Secp256k1Backend } from '@keel/crypto';
import { equalBytes } from '@keel/util';
import { type Block, type BlockHeader, blockHash } from '../primitives/block.ts';
import {
  MAX_BLOCK_SIGOPS_COST,
  MAX_BLOCK_WEIGHT,
  WITNESS_SCALE_FACTOR,
} from '../primitives/limits.ts';
import { computeMerkleRoot } from '../primitives/merkle.ts';
import { isCoinbase, txid } from '../primitives/transaction.ts';
import { legacySigOpCount } from '../script/sigops.ts';
import { checkTransaction } from './checkTransaction.ts';
import type { ConsensusParams } from './params.ts';
import { checkProofOfWork } from './pow.ts';
import { checkSignetBlockSolution } from './signet.ts';
import { fail, OK, type Verdict } from './verdict.ts';
import { strippedSize } from './weight.ts';

export interface CheckBlockOptions {
  /** Check the header's proof of work (default true). */
  checkPoW?: boolean;
  /** Check the merkle root and its CVE-2012-2459 mutation (default true). */
  checkMerkleRoot?: boolean;
  /** Precomputed txids (internal order), to avoid hashing twice. */
  txids?: readonly Uint8Array[];
  /** Precomputed block hash. */
  hash?: Uint8Array;
  /**
   * Verifies the BIP325 block solution on networks with a signet challenge (checked with the
   * proof of work, as Core does). Required there: without it a signet block fails.
   */
  backend?: Secp256k1Backend;
}

/** Core's CheckBlockHeader: the hash meets the target its bits claim, within powLimit. */
export function checkBlockHeader(
  header: BlockHeader,
  params: ConsensusParams,
  hash: Uint8Array = blockHash(header),
): Verdict {
  if (!checkProofOfWork(hash, header.bits, params.powLimit)) {
    return fail('high-hash', { detail: 'proof of work failed' });
  }
  return OK;
}

/** Core's CheckBlock: context-free block rules, in Core's order. */
export function checkBlock(
  block: Block,
  params: ConsensusParams,
  opts: CheckBlockOptions = {},
): Verdict {
  if (opts.checkPoW !== false) {
    const h = checkBlockHeader(block.header, params, opts.hash);
    if (!h.ok) return h;
    if (params.signetChallenge) {
      if (!opts.backend) {
        return fail('bad-signet-blksig', { detail: 'no secp256k1 backend to check the solution' });
      }
      const s = checkSignetBlockSolution(block, params, opts.backend, opts.hash);
      if (!s.ok) return s;
    }
  }
  if (opts.checkMerkleRoot !== false) {
    const { root, mutated } = computeMerkleRoot(opts.txids ?? block.txs.map(txid));
    if (!equalBytes(root, block.header.merkleRoot)) return fail('bad-txnmrklroot');
    // CVE-2012-2459: duplicated transactions that leave the root unchanged
    if (mutated) return fail('bad-txns-duplicate');
  }
  const n = block.txs.length;
  if (n === 0 || n * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT) return fail('bad-blk-length');
  if (strippedSize(block) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT) {
    return fail('bad-blk-length');
  }
  if (!isCoinbase(block.txs[0]!)) return fail('bad-cb-missing', { txIndex: 0 });
  for (let i = 1; i < n; i++) {
    if (isCoinbase(block.txs[i]!)) return fail('bad-cb-multiple', { txIndex: i });
  }
  for (let i = 0; i < n; i++) {
    const r = checkTransaction(block.txs[i]!);
    if (!r.ok) return fail(r.reason, { txIndex: i });
  }
  let sigops = 0;
  for (const tx of block.txs) sigops += legacySigOpCount(tx);
  if (sigops * WITNESS_SCALE_FACTOR > MAX_BLOCK_SIGOPS_COST) return fail('bad-blk-sigops');
  return OK;
}
