/**
 * From a winning share to a block: the full coinbase (with the witness reserved value when the
 * template commits to witnesses), the TemplateProvider `SubmitSolution`, and the serialized
 * block for sources that hold the template's transactions.
 */
import { BufferWriter, concatBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import type { SubmitSolution } from '../templateProvider.ts';
import { coinbaseWithWitness, joinCoinbase } from './coinbase.ts';
import type { MiningJob } from './job.ts';
import type { ShareSubmission } from './share.ts';

/** The coinbase as it goes into the block (witness-serialized when the job needs it). */
export function blockCoinbase(job: MiningJob, fullExtranonce: Uint8Array): Uint8Array {
  if (fullExtranonce.length !== job.extranonceLength) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `extranonce is ${fullExtranonce.length} bytes, job expects ${job.extranonceLength}`,
    );
  }
  const cb = joinCoinbase(job.coinbaseTxPrefix, fullExtranonce, job.coinbaseTxSuffix);
  return job.witness ? coinbaseWithWitness(cb) : cb;
}

/** The SubmitSolution a pool hands its TemplateProvider for a block-level share. */
export function solutionFromShare(
  job: MiningJob,
  share: ShareSubmission,
  extranoncePrefix: Uint8Array,
): SubmitSolution {
  const full = share.extranonce
    ? concatBytes(extranoncePrefix, share.extranonce)
    : extranoncePrefix;
  return {
    templateId: job.templateId,
    version: share.version >>> 0,
    headerTimestamp: share.ntime >>> 0,
    headerNonce: share.nonce >>> 0,
    coinbaseTx: blockCoinbase(job, full),
  };
}

/** header (80) ‖ CompactSize(1 + n) ‖ coinbase ‖ transactions (each already serialized). */
export function assembleBlock(
  header: Uint8Array,
  coinbaseTx: Uint8Array,
  transactions: readonly Uint8Array[],
): Uint8Array {
  if (header.length !== 80)
    throw new StratumError(StratumErrorCode.MINING, 'block header must be 80 bytes');
  const w = new BufferWriter(80 + coinbaseTx.length + 16)
    .bytes(header)
    .compactSize(1 + transactions.length)
    .bytes(coinbaseTx);
  for (const t of transactions) w.bytes(t);
  return w.finish();
}
