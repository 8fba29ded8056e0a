/**
 * Share validation by hashing the header (sv2-spec 05 §5.3.11–14). Every share is rebuilt into
 * the 80-byte header the miner hashed — version (BIP323 rolling checked), prev_hash, merkle root
 * from the coinbase with the miner's extranonce, ntime (bounds checked), nbits, nonce — and its
 * sha256d compared with the channel, pool and network targets.
 */
import { sha256d } from '@keel/crypto/hashes';
import { concatBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import { jobMerkleRoot, type MiningJob } from './job.ts';
import { hashToBigInt, targetToWork } from './target.ts';

/** BIP320 (superseded): bits 13..28 of nVersion are general purpose. */
export const BIP320_VERSION_MASK = 0x1fffe000;
/**
 * BIP323 (cited by sv2-spec 05 for version rolling): bits 5..28 are general purpose. SRI rolls
 * bits 5–12 too, so this is the default mask everywhere.
 */
export const BIP323_VERSION_MASK = 0x1fffffe0;
/** Bitcoin's MAX_FUTURE_BLOCK_TIME. */
export const MAX_FUTURE_BLOCK_TIME = 7200;

/** SubmitShares.Error codes. The first four are the spec's; the rest are keel's (03 §3.5 allows it). */
export const ShareError = {
  INVALID_CHANNEL_ID: 'invalid-channel-id',
  STALE_SHARE: 'stale-share',
  DIFFICULTY_TOO_LOW: 'difficulty-too-low',
  INVALID_JOB_ID: 'invalid-job-id',
  DUPLICATE_SHARE: 'duplicate-share',
  INVALID_VERSION: 'invalid-version',
  INVALID_TIMESTAMP: 'invalid-timestamp',
  INVALID_EXTRANONCE_SIZE: 'invalid-extranonce-size',
} as const;
export type ShareError = (typeof ShareError)[keyof typeof ShareError];

export interface PrevHashState {
  readonly prevHash: Uint8Array;
  readonly nbits: number;
  /** Smallest valid ntime (SetNewPrevHash.min_ntime / TDP header_timestamp). */
  readonly minNtime: number;
  /** Network target (from nBits or the TDP's target), as an integer. */
  readonly networkTarget: bigint;
}

export interface ShareSubmission {
  readonly jobId: number;
  readonly nonce: number;
  readonly ntime: number;
  readonly version: number;
  /** Extended channels: the miner's extranonce part (after the channel's extranonce_prefix). */
  readonly extranonce?: Uint8Array;
}

export interface ShareChannel {
  readonly extranoncePrefix: Uint8Array;
  /** Channel target as an integer. */
  readonly target: bigint;
  /** Extended channels: negotiated miner extranonce size; standard channels: 0. */
  readonly extranonceSize: number;
}

export interface ValidateShareParameters {
  readonly job: MiningJob;
  readonly prevHash: PrevHashState;
  readonly channel: ShareChannel;
  readonly share: ShareSubmission;
  /** Current unix time in seconds (injected). */
  readonly now: number;
  /** Optional pool-wide target (e.g. the easiest secondary chain's): marks `meetsPoolTarget`. */
  readonly poolTarget?: bigint;
  readonly versionRollingMask?: number;
  readonly maxFutureSeconds?: number;
  /** Precomputed merkle root (standard channels cache it per job). */
  readonly merkleRoot?: Uint8Array;
}

export type ShareClass = 'share' | 'pool' | 'block';

export type ShareVerdict =
  | {
      readonly ok: true;
      /** share: meets the channel target; pool: also the pool target; block: meets the network target. */
      readonly class: ShareClass;
      readonly hash: Uint8Array;
      readonly header: Uint8Array;
      readonly merkleRoot: Uint8Array;
      /** Work credited: expected hashes at the channel target. */
      readonly work: bigint;
      readonly meetsPoolTarget: boolean;
    }
  | { readonly ok: false; readonly error: ShareError; readonly reason: string };

export function encodeHeader(
  version: number,
  prevHash: Uint8Array,
  merkleRoot: Uint8Array,
  ntime: number,
  nbits: number,
  nonce: number,
): Uint8Array {
  const h = new Uint8Array(80);
  const v = new DataView(h.buffer);
  v.setUint32(0, version >>> 0, true);
  h.set(prevHash, 4);
  h.set(merkleRoot, 36);
  v.setUint32(68, ntime >>> 0, true);
  v.setUint32(72, nbits >>> 0, true);
  v.setUint32(76, nonce >>> 0, true);
  return h;
}

const reject = (error: ShareError, reason: string): ShareVerdict => ({ ok: false, error, reason });

/** Validates one share against its job; pure (no stale/duplicate tracking: see ShareTracker). */
export function validateShare(p: ValidateShareParameters): ShareVerdict {
  const { job, share, channel, prevHash } = p;
  const mask = p.versionRollingMask ?? BIP323_VERSION_MASK;
  const changed = (share.version ^ job.version) >>> 0;
  if (changed !== 0 && (!job.versionRollingAllowed || (changed & ~mask) >>> 0 !== 0)) {
    return reject(
      ShareError.INVALID_VERSION,
      `version 0x${(share.version >>> 0).toString(16)} changes bits outside the allowed mask`,
    );
  }
  const maxNtime =
    Math.max(prevHash.minNtime, p.now) + (p.maxFutureSeconds ?? MAX_FUTURE_BLOCK_TIME);
  if (share.ntime < prevHash.minNtime || share.ntime > maxNtime) {
    return reject(
      ShareError.INVALID_TIMESTAMP,
      `ntime ${share.ntime} outside [${prevHash.minNtime}, ${maxNtime}]`,
    );
  }
  let root = p.merkleRoot;
  if (root === undefined) {
    const mine = share.extranonce ?? new Uint8Array(0);
    if (mine.length !== channel.extranonceSize) {
      return reject(
        ShareError.INVALID_EXTRANONCE_SIZE,
        `extranonce is ${mine.length} bytes, channel has ${channel.extranonceSize}`,
      );
    }
    const full =
      mine.length === 0 ? channel.extranoncePrefix : concatBytes(channel.extranoncePrefix, mine);
    if (full.length !== job.extranonceLength) {
      throw new StratumError(
        StratumErrorCode.MINING,
        `channel extranonce space ${full.length} ≠ job's ${job.extranonceLength}`,
      );
    }
    root = jobMerkleRoot(job, full);
  }
  const header = encodeHeader(
    share.version,
    prevHash.prevHash,
    root,
    share.ntime,
    prevHash.nbits,
    share.nonce,
  );
  const hash = sha256d(header);
  const value = hashToBigInt(hash);
  if (value > channel.target) {
    return reject(ShareError.DIFFICULTY_TOO_LOW, 'header hash is above the channel target');
  }
  const meetsPoolTarget = p.poolTarget !== undefined && value <= p.poolTarget;
  const cls: ShareClass =
    value <= prevHash.networkTarget ? 'block' : meetsPoolTarget ? 'pool' : 'share';
  return {
    ok: true,
    class: cls,
    hash,
    header,
    merkleRoot: root,
    work: targetToWork(channel.target),
    meetsPoolTarget,
  };
}
