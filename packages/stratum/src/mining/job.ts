/**
 * Jobs from templates (sv2-spec 05 §5.1, §5.3.15–16). A `MiningJob` is the pool's record of one
 * extended job: the coinbase split around the extranonce plus the merkle path. Standard-channel
 * jobs carry a merkle root precomputed for the channel's extranonce_prefix; extended-channel
 * jobs carry prefix/suffix/path and the miner rolls its own extranonce.
 */
import { sha256d } from '@keel/crypto/hashes';
import { BufferReader } from '@keel/util';
import type { Sv2Payload } from '../codec/messages.ts';
import { StratumError, StratumErrorCode } from '../errors.ts';
import type { NewTemplate } from '../templateProvider.ts';
import { buildCoinbaseParts, type CoinbaseOutput, joinCoinbase, splitOutputs } from './coinbase.ts';
import { merkleRootFromPath } from './merkle.ts';

export interface MiningJob {
  readonly jobId: number;
  readonly templateId: bigint;
  readonly version: number;
  readonly versionRollingAllowed: boolean;
  /** The template is for a tip not yet announced (sent with min_ntime unset). */
  readonly future: boolean;
  readonly coinbaseTxPrefix: Uint8Array;
  readonly coinbaseTxSuffix: Uint8Array;
  readonly merklePath: readonly Uint8Array[];
  /** Bytes between prefix and suffix: extranonce_prefix + extranonce. */
  readonly extranonceLength: number;
  /** The block's coinbase needs the witness reserved value. */
  readonly witness: boolean;
}

export interface CreateJobParameters {
  readonly jobId: number;
  readonly template: NewTemplate;
  readonly poolOutputs: readonly CoinbaseOutput[];
  /** Full extended extranonce size for every channel that will mine this job. */
  readonly extranonceLength: number;
  /** Default true (BIP323 general-purpose bits may be rolled). */
  readonly versionRollingAllowed?: boolean;
  /** Extra scriptSig bytes before the extranonce (merged-mining commitment). */
  readonly scriptSigExtra?: Uint8Array;
}

export function createMiningJob(p: CreateJobParameters): MiningJob {
  const parts = buildCoinbaseParts(p);
  return {
    jobId: p.jobId,
    templateId: p.template.templateId,
    version: p.template.version,
    versionRollingAllowed: p.versionRollingAllowed ?? true,
    future: p.template.futureTemplate,
    coinbaseTxPrefix: parts.prefix,
    coinbaseTxSuffix: parts.suffix,
    merklePath: p.template.merklePath,
    extranonceLength: parts.extranonceLength,
    witness: parts.witness,
  };
}

/** Merkle root for a full extranonce (extranonce_prefix ‖ extranonce). */
export function jobMerkleRoot(job: MiningJob, fullExtranonce: Uint8Array): Uint8Array {
  if (fullExtranonce.length !== job.extranonceLength) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `extranonce is ${fullExtranonce.length} bytes, job expects ${job.extranonceLength}`,
    );
  }
  const txid = sha256d(joinCoinbase(job.coinbaseTxPrefix, fullExtranonce, job.coinbaseTxSuffix));
  return merkleRootFromPath(txid, job.merklePath);
}

/**
 * NewMiningJob for a standard channel: its extranonce_prefix fills the whole extranonce space
 * (standard channels do not roll extranonce), so the merkle root is fixed.
 */
export function standardJobMessage(
  job: MiningJob,
  channelId: number,
  extranoncePrefix: Uint8Array,
  minNtime?: number,
): Sv2Payload<'NewMiningJob'> {
  return {
    channelId,
    jobId: job.jobId,
    minNtime,
    version: job.version,
    merkleRoot: jobMerkleRoot(job, extranoncePrefix),
  };
}

/** NewExtendedMiningJob for an extended or group channel. */
export function extendedJobMessage(
  job: MiningJob,
  channelId: number,
  minNtime?: number,
): Sv2Payload<'NewExtendedMiningJob'> {
  return {
    channelId,
    jobId: job.jobId,
    minNtime,
    version: job.version,
    versionRollingAllowed: job.versionRollingAllowed,
    merklePath: job.merklePath,
    coinbaseTxPrefix: job.coinbaseTxPrefix,
    coinbaseTxSuffix: job.coinbaseTxSuffix,
  };
}

/** A miner-side view of a received NewExtendedMiningJob, to compute roots while rolling. */
export function miningJobFromExtended(
  m: Sv2Payload<'NewExtendedMiningJob'>,
  extranonceLength: number,
): MiningJob {
  return {
    jobId: m.jobId,
    templateId: 0n,
    version: m.version,
    versionRollingAllowed: m.versionRollingAllowed,
    future: m.minNtime === undefined,
    coinbaseTxPrefix: m.coinbaseTxPrefix,
    coinbaseTxSuffix: m.coinbaseTxSuffix,
    merklePath: m.merklePath,
    extranonceLength,
    witness: false,
  };
}

/**
 * A job from a miner's SetCustomMiningJob (05 §5.3.18, Job Declaration): the coinbase is
 * rebuilt from its fields; `coinbase_tx_outputs` is a CompactSize-prefixed output array there.
 * The job's prev hash, nbits and min_ntime come with the message (feed them to a tracker).
 */
export function createCustomMiningJob(
  jobId: number,
  m: Sv2Payload<'SetCustomMiningJob'>,
  extranonceLength: number,
): MiningJob {
  const r = new BufferReader(m.coinbaseTxOutputs);
  const n = r.compactSize(10_000, 'coinbase output count');
  const outputs = splitOutputs(r.bytes(r.remaining), n);
  const template: NewTemplate = {
    templateId: 0n,
    futureTemplate: false,
    version: m.version,
    coinbaseTxVersion: m.coinbaseTxVersion,
    coinbasePrefix: m.coinbasePrefix,
    coinbaseTxInputSequence: m.coinbaseTxInputNSequence,
    coinbaseTxValueRemaining: 0n,
    coinbaseTxOutputs: outputs,
    coinbaseTxLocktime: m.coinbaseTxLocktime,
    merklePath: m.merklePath,
  };
  return createMiningJob({ jobId, template, poolOutputs: [], extranonceLength });
}
