import type {
  Block,
  ConsensusMessage,
  QuorumCertificate,
  SafetyState,
  TimeoutCertificate,
} from '@keel/consensus';
import { BufferReader, BufferWriter, bytesToUtf8, DecodeError, DecodeErrorCode } from '@keel/util';

/** Limits every decoder checks before it allocates (see LIMITS.md). */
export interface CodecLimits {
  /** Largest block payload (the encoded transaction list). */
  readonly maxPayloadBytes: number;
  /** Most validators a signer bitmap or TC may describe. */
  readonly maxValidators: number;
  /** Most blocks in one block response. */
  readonly maxBlocksPerResponse: number;
}

export const defaultCodecLimits: CodecLimits = {
  maxPayloadBytes: 2 * 1024 * 1024,
  maxValidators: 1024,
  maxBlocksPerResponse: 128,
};

const MSG = { proposal: 1, vote: 2, timeout: 3, blockRequest: 4, blockResponse: 5 } as const;
const MAX_SIG = 96;
const MAX_PROOF = 128;

/**
 * Decoders slice their input and keep the slices; a Node Buffer's `slice` is a view, so a
 * Buffer input (network memory that gets reused) is first copied into a plain Uint8Array.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b);
}

/** Strict UTF-8 (a chain id); malformed text is a DecodeError like any other bad field. */
export function readUtf8(b: Uint8Array, what: string): string {
  try {
    return bytesToUtf8(b);
  } catch {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `${what} is not valid UTF-8`);
  }
}

function u64(w: BufferWriter, n: number): BufferWriter {
  return w.u64le(BigInt(n));
}

function readU64(r: BufferReader, what: string): number {
  const v = r.u64le();
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `${what} ${v} exceeds 2^53-1`);
  }
  return Number(v);
}

function writeQC(w: BufferWriter, qc: QuorumCertificate): void {
  u64(w, qc.view).bytes(qc.blockHash).varBytes(qc.signers).varBytes(qc.signature);
}

function readQC(r: BufferReader, l: CodecLimits): QuorumCertificate {
  const view = readU64(r, 'QC view');
  const blockHash = r.copyBytes(32, 'QC block hash');
  const signers = r.varBytes(Math.ceil(l.maxValidators / 8), 'QC signers');
  const signature = r.varBytes(MAX_SIG, 'QC signature');
  return { view, blockHash, signers: signers.slice(), signature: signature.slice() };
}

function writeTC(w: BufferWriter, tc: TimeoutCertificate): void {
  u64(w, tc.view).varBytes(tc.signers).compactSize(tc.highQCViews.length);
  for (const v of tc.highQCViews) u64(w, v);
  w.varBytes(tc.signature);
}

function readTC(r: BufferReader, l: CodecLimits): TimeoutCertificate {
  const view = readU64(r, 'TC view');
  const signers = r.varBytes(Math.ceil(l.maxValidators / 8), 'TC signers').slice();
  const n = r.compactSize(l.maxValidators, 'TC high-QC views');
  const highQCViews: number[] = [];
  for (let i = 0; i < n; i++) highQCViews.push(readU64(r, 'TC high-QC view'));
  const signature = r.varBytes(MAX_SIG, 'TC signature').slice();
  return { view, signers, highQCViews, signature };
}

export function writeBlock(w: BufferWriter, b: Block): void {
  w.bytes(b.parentHash);
  u64(u64(w, b.height), b.view).u32le(b.proposer).varBytes(b.payload);
  writeQC(w, b.qc);
  w.varBytes(b.leaderProof).bytes(b.seed);
}

export function readBlock(r: BufferReader, l: CodecLimits): Block {
  const parentHash = r.copyBytes(32, 'parent hash');
  const height = readU64(r, 'height');
  const view = readU64(r, 'view');
  const proposer = r.u32le();
  const payload = r.varBytes(l.maxPayloadBytes, 'payload').slice();
  const qc = readQC(r, l);
  const leaderProof = r.varBytes(MAX_PROOF, 'leader proof').slice();
  const seed = r.copyBytes(32, 'seed');
  return { parentHash, height, view, proposer, payload, qc, leaderProof, seed };
}

export function encodeBlock(b: Block): Uint8Array {
  const w = new BufferWriter(256 + b.payload.length);
  writeBlock(w, b);
  return w.finish();
}

export function decodeBlock(bytes: Uint8Array, l: CodecLimits = defaultCodecLimits): Block {
  const r = new BufferReader(plainBytes(bytes));
  const b = readBlock(r, l);
  r.assertEnd('block');
  return b;
}

/** The wire form of a consensus message: a type byte, the genesis hash, then the fields. */
export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  const w = new BufferWriter(512).u8(MSG[m.type]).bytes(m.genesisHash);
  switch (m.type) {
    case 'proposal':
      writeBlock(w, m.block);
      w.u8(m.tc ? 1 : 0);
      if (m.tc) writeTC(w, m.tc);
      w.varBytes(m.signature);
      break;
    case 'vote':
      u64(w, m.view).bytes(m.blockHash).u32le(m.voter).varBytes(m.signature);
      break;
    case 'timeout':
      u64(w, m.view).u32le(m.sender);
      writeQC(w, m.highQC);
      w.u8(m.lastTC ? 1 : 0);
      if (m.lastTC) writeTC(w, m.lastTC);
      w.varBytes(m.signature);
      break;
    case 'blockRequest':
      w.bytes(m.hash).u32le(m.count);
      break;
    case 'blockResponse':
      w.compactSize(m.blocks.length);
      for (const b of m.blocks) writeBlock(w, b);
      break;
  }
  return w.finish();
}

function readFlag(r: BufferReader, what: string): boolean {
  const f = r.u8();
  if (f > 1) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `${what} flag ${f} is not 0/1`);
  return f === 1;
}

/** Decodes a consensus message; throws DecodeError on any malformed or oversized input. */
export function decodeConsensusMessage(
  bytes: Uint8Array,
  l: CodecLimits = defaultCodecLimits,
): ConsensusMessage {
  const r = new BufferReader(plainBytes(bytes));
  const type = r.u8();
  const genesisHash = r.copyBytes(32, 'genesis hash');
  let m: ConsensusMessage;
  switch (type) {
    case MSG.proposal: {
      const block = readBlock(r, l);
      const tc = readFlag(r, 'TC') ? readTC(r, l) : null;
      const signature = r.varBytes(MAX_SIG, 'signature').slice();
      m = { type: 'proposal', genesisHash, block, tc, signature };
      break;
    }
    case MSG.vote: {
      const view = readU64(r, 'view');
      const blockHash = r.copyBytes(32, 'block hash');
      const voter = r.u32le();
      const signature = r.varBytes(MAX_SIG, 'signature').slice();
      m = { type: 'vote', genesisHash, view, blockHash, voter, signature };
      break;
    }
    case MSG.timeout: {
      const view = readU64(r, 'view');
      const sender = r.u32le();
      const highQC = readQC(r, l);
      const lastTC = readFlag(r, 'TC') ? readTC(r, l) : null;
      const signature = r.varBytes(MAX_SIG, 'signature').slice();
      m = { type: 'timeout', genesisHash, view, sender, highQC, lastTC, signature };
      break;
    }
    case MSG.blockRequest: {
      const hash = r.copyBytes(32, 'hash');
      const count = r.u32le();
      m = { type: 'blockRequest', genesisHash, hash, count };
      break;
    }
    case MSG.blockResponse: {
      const n = r.compactSize(l.maxBlocksPerResponse, 'block count');
      const blocks: Block[] = [];
      for (let i = 0; i < n; i++) blocks.push(readBlock(r, l));
      m = { type: 'blockResponse', genesisHash, blocks };
      break;
    }
    default:
      throw new DecodeError(
        DecodeErrorCode.INVALID_VALUE,
        `unknown consensus message type ${type}`,
      );
  }
  r.assertEnd('consensus message');
  return m;
}

export function encodeSafety(s: SafetyState): Uint8Array {
  const w = u64(u64(new BufferWriter(256), s.lastVotedView), s.lastTimeoutView);
  writeQC(w, s.highQC);
  return w.finish();
}

export function decodeSafety(bytes: Uint8Array): SafetyState {
  const r = new BufferReader(plainBytes(bytes));
  const lastVotedView = readU64(r, 'last voted view');
  const lastTimeoutView = readU64(r, 'last timeout view');
  const highQC = readQC(r, defaultCodecLimits);
  r.assertEnd('safety state');
  return { lastVotedView, lastTimeoutView, highQC };
}
