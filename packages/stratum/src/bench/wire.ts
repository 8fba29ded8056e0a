/**
 * Helpers for the `stratum` benchmark (which lives in @keel/stratum-node): a deterministic
 * job/share stream, its size on the wire as SV2 frames (plain or Noise-encrypted, by the exact
 * 04 §4.6 length rule) and as SV1 JSON-RPC lines, and a share-validation throughput meter.
 * Pure: the caller passes the clock.
 */
import { bytesToHex, SeededRng } from '@keel/util';
import { FRAME_HEADER_SIZE } from '../codec/frame.ts';
import { encodeMessageFrame } from '../codec/message.ts';
import type { Sv2Message } from '../codec/messages.ts';
import { encodeCoinbaseOutput } from '../mining/coinbase.ts';
import {
  createMiningJob,
  extendedJobMessage,
  type MiningJob,
  standardJobMessage,
} from '../mining/job.ts';
import { MAX_TARGET } from '../mining/target.ts';
import { ShareTracker } from '../mining/tracker.ts';
import { encryptedFrameLength } from '../noise/session.ts';
import type { NewTemplate } from '../templateProvider.ts';

export interface StreamOptions {
  readonly jobs: number;
  readonly sharesPerJob: number;
  /** Merkle path length (≈ log2 of the block's transaction count). Default 12. */
  readonly merklePathLength?: number;
  /** 'standard' (header-only, SubmitSharesStandard) or 'extended' (extranonce rolled). */
  readonly channel: 'standard' | 'extended';
  /** Miner extranonce bytes for extended channels / SV1 extranonce2. Default 8. */
  readonly extranonceSize?: number;
  readonly seed?: number;
}

export interface StreamEvent {
  readonly job: MiningJob;
  readonly prevHash: Uint8Array;
  readonly nbits: number;
  readonly ntime: number;
  readonly shares: readonly {
    nonce: number;
    ntime: number;
    version: number;
    extranonce: Uint8Array;
  }[];
}

const EXTRANONCE_PREFIX_SIZE = 4;

function template(rng: SeededRng, id: number, pathLen: number): NewTemplate {
  return {
    templateId: BigInt(id),
    futureTemplate: true,
    version: 0x20000000,
    coinbaseTxVersion: 2,
    coinbasePrefix: Uint8Array.from([0x03, id & 0xff, (id >> 8) & 0xff, 0x0c]),
    coinbaseTxInputSequence: 0xffffffff,
    coinbaseTxValueRemaining: 312_500_000n,
    coinbaseTxOutputs: [
      encodeCoinbaseOutput({
        value: 0n,
        scriptPubKey: Uint8Array.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, ...rng.bytes(32)]),
      }),
    ],
    coinbaseTxLocktime: 0,
    merklePath: Array.from({ length: pathLen }, () => rng.bytes(32)),
  };
}

/** The same deterministic jobs and shares for every encoding. */
export function jobShareStream(o: StreamOptions): StreamEvent[] {
  const rng = new SeededRng(o.seed ?? 1);
  const en = o.extranonceSize ?? 8;
  const payout = Uint8Array.from([0x00, 0x14, ...rng.bytes(20)]);
  const out: StreamEvent[] = [];
  for (let j = 0; j < o.jobs; j++) {
    const t = template(rng, j + 1, o.merklePathLength ?? 12);
    const job = createMiningJob({
      jobId: j + 1,
      template: t,
      poolOutputs: [{ value: t.coinbaseTxValueRemaining, scriptPubKey: payout }],
      extranonceLength: EXTRANONCE_PREFIX_SIZE + (o.channel === 'extended' ? en : 0),
    });
    const ntime = 1_700_000_000 + j * 30;
    const shares = Array.from({ length: o.sharesPerJob }, () => ({
      nonce: rng.nextU32(),
      ntime,
      version: 0x20000000 | (rng.nextU32() & 0x1fffffe0),
      extranonce: o.channel === 'extended' ? rng.bytes(en) : new Uint8Array(0),
    }));
    out.push({ job, prevHash: rng.bytes(32), nbits: 0x17034219, ntime, shares });
  }
  return out;
}

export interface WireBytes {
  readonly jobBytes: number;
  readonly shareBytes: number;
  readonly perJob: number;
  readonly perShare: number;
  readonly total: number;
}

function tally(jobBytes: number, shareBytes: number, jobs: number, shares: number): WireBytes {
  return {
    jobBytes,
    shareBytes,
    perJob: jobs ? jobBytes / jobs : 0,
    perShare: shares ? shareBytes / shares : 0,
    total: jobBytes + shareBytes,
  };
}

export interface Sv2WireOptions {
  readonly channel: 'standard' | 'extended';
  /** Noise-encrypted sizes: 22-byte header + payload with a MAC per 65519-byte chunk. */
  readonly encrypted: boolean;
  /** Shares acknowledged per SubmitShares.Success (05 §5.3.13 allows batching). Default 1. */
  readonly successBatch?: number;
  /** A SetNewPrevHash every N jobs (new blocks are rarer than new jobs). Default 1. */
  readonly prevHashEvery?: number;
}

/**
 * SV2 bytes for a stream: per job NewMiningJob (standard) or NewExtendedMiningJob (extended),
 * plus SetNewPrevHash every `prevHashEvery` jobs; per share SubmitShares{Standard,Extended}, plus
 * one SubmitShares.Success per `successBatch` shares.
 */
export function sv2WireBytes(events: readonly StreamEvent[], o: Sv2WireOptions): WireBytes {
  const size = (m: Sv2Message) => {
    const n = encodeMessageFrame(m).payload.length;
    return o.encrypted ? encryptedFrameLength(n) : FRAME_HEADER_SIZE + n;
  };
  const batch = Math.max(1, o.successBatch ?? 1);
  const every = Math.max(1, o.prevHashEvery ?? 1);
  const prefix = new Uint8Array(EXTRANONCE_PREFIX_SIZE).fill(7);
  let jobBytes = 0;
  let shareBytes = 0;
  let shares = 0;
  let seq = 0;
  let pending = 0;
  const ack = () => {
    shareBytes += size({
      type: 'SubmitSharesSuccess',
      payload: {
        channelId: 1,
        lastSequenceNumber: seq - 1,
        newSubmitsAcceptedCount: pending,
        newSharesSum: BigInt(pending),
      },
    });
    pending = 0;
  };
  events.forEach((e, j) => {
    if (j % every === 0) {
      jobBytes += size({
        type: 'SetNewPrevHash',
        payload: {
          channelId: 1,
          jobId: e.job.jobId,
          prevHash: e.prevHash,
          minNtime: e.ntime,
          nbits: e.nbits,
        },
      });
    }
    const minNtime = j % every === 0 ? undefined : e.ntime;
    jobBytes +=
      o.channel === 'standard'
        ? size({ type: 'NewMiningJob', payload: standardJobMessage(e.job, 1, prefix, minNtime) })
        : size({ type: 'NewExtendedMiningJob', payload: extendedJobMessage(e.job, 1, minNtime) });
    for (const s of e.shares) {
      const base = {
        channelId: 1,
        sequenceNumber: seq++,
        jobId: e.job.jobId,
        nonce: s.nonce,
        ntime: s.ntime,
        version: s.version,
      };
      shareBytes +=
        o.channel === 'standard'
          ? size({ type: 'SubmitSharesStandard', payload: base })
          : size({ type: 'SubmitSharesExtended', payload: { ...base, extranonce: s.extranonce } });
      shares++;
      if (++pending === batch) ack();
    }
  });
  if (pending > 0) ack();
  return tally(jobBytes, shareBytes, events.length, shares);
}

const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
/** SV1 sends prev_hash as eight byte-swapped 32-bit words. */
function sv1PrevHash(h: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 32; i += 4)
    s += bytesToHex(
      h
        .subarray(i, i + 4)
        .slice()
        .reverse(),
    );
  return s;
}

/**
 * The same stream as SV1 JSON-RPC lines (mining.notify with clean_jobs; mining.submit with the
 * BIP310 version-rolling field; the `true` result line), UTF-8 bytes including newlines.
 */
export function sv1WireBytes(events: readonly StreamEvent[], worker = 'keel.worker1'): WireBytes {
  const enc = new TextEncoder();
  const line = (o: unknown) => enc.encode(`${JSON.stringify(o)}\n`).length;
  let jobBytes = 0;
  let shareBytes = 0;
  let shares = 0;
  let id = 10;
  for (const e of events) {
    const jobId = e.job.jobId.toString(16);
    // coinb1 ends where extranonce1 (the 4-byte prefix) starts; coinb2 follows extranonce2.
    jobBytes += line({
      id: null,
      method: 'mining.notify',
      params: [
        jobId,
        sv1PrevHash(e.prevHash),
        bytesToHex(e.job.coinbaseTxPrefix),
        bytesToHex(e.job.coinbaseTxSuffix),
        e.job.merklePath.map((h) => bytesToHex(h)),
        hex32(e.job.version),
        hex32(e.nbits),
        hex32(e.ntime),
        true,
      ],
    });
    for (const s of e.shares) {
      const en2 = s.extranonce.length ? bytesToHex(s.extranonce) : '0000000000000000';
      shareBytes += line({
        id,
        method: 'mining.submit',
        params: [
          worker,
          jobId,
          en2,
          hex32(s.ntime),
          hex32(s.nonce),
          hex32(s.version ^ e.job.version),
        ],
      });
      shareBytes += line({ id, result: true, error: null });
      id++;
      shares++;
    }
  }
  return tally(jobBytes, shareBytes, events.length, shares);
}

export interface ShareThroughput {
  readonly shares: number;
  readonly seconds: number;
  readonly sharesPerSecond: number;
}

/**
 * Validates `shares` distinct shares (each hashed in full: coinbase, merkle path, header) through
 * a ShareTracker and reports the rate. `now` returns milliseconds (performance.now in a bench).
 */
export function measureShareValidation(o: {
  readonly shares: number;
  readonly now: () => number;
  readonly channel: 'standard' | 'extended';
  readonly merklePathLength?: number;
}): ShareThroughput {
  const events = jobShareStream({
    jobs: 1,
    sharesPerJob: o.shares,
    channel: o.channel,
    merklePathLength: o.merklePathLength ?? 12,
  });
  const e = events[0]!;
  const tracker = new ShareTracker({ maxSharesPerJob: o.shares + 1 });
  tracker.addJob(e.job);
  tracker.setPrevHash(e.job.jobId, {
    prevHash: e.prevHash,
    nbits: e.nbits,
    minNtime: e.ntime,
    networkTarget: 0n,
  });
  const channel = {
    extranoncePrefix: new Uint8Array(EXTRANONCE_PREFIX_SIZE).fill(7),
    extranonceSize: o.channel === 'extended' ? (e.shares[0]?.extranonce.length ?? 8) : 0,
    target: MAX_TARGET,
  };
  const t0 = o.now();
  let n = 0;
  for (const s of e.shares) {
    const v = tracker.submit({
      channelId: 1,
      channel,
      share: {
        jobId: e.job.jobId,
        nonce: s.nonce,
        ntime: s.ntime,
        version: s.version,
        ...(o.channel === 'extended' ? { extranonce: s.extranonce } : {}),
      },
      now: s.ntime,
    });
    if (v.ok) n++;
  }
  const seconds = (o.now() - t0) / 1000;
  return { shares: n, seconds, sharesPerSecond: seconds > 0 ? n / seconds : 0 };
}
