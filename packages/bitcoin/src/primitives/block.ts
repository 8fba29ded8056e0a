import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { sha256d } from './_hash.ts';
import { txBaseSize } from './_serialize.ts';
import { type DecodeLimits, defaultDecodeLimits } from './limits.ts';
import { hasWitness, readTransaction, type Transaction, writeTransaction } from './transaction.ts';

export interface BlockHeader {
  version: number;
  /** Previous block hash, internal byte order. */
  prevBlock: Uint8Array;
  /** Merkle root, internal byte order. */
  merkleRoot: Uint8Array;
  time: number;
  bits: number;
  nonce: number;
}

export interface Block {
  header: BlockHeader;
  txs: Transaction[];
}

export const BLOCK_HEADER_SIZE = 80;
const MIN_TX_SIZE = 10; // version + 2 empty counts + locktime

export function readBlockHeader(r: BufferReader): BlockHeader {
  return {
    version: r.i32le(),
    prevBlock: r.copyBytes(32, 'prev block hash'),
    merkleRoot: r.copyBytes(32, 'merkle root'),
    time: r.u32le(),
    bits: r.u32le(),
    nonce: r.u32le(),
  };
}

export function writeBlockHeader(w: BufferWriter, h: BlockHeader): void {
  w.i32le(h.version)
    .bytes(h.prevBlock)
    .bytes(h.merkleRoot)
    .u32le(h.time)
    .u32le(h.bits)
    .u32le(h.nonce);
}

export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  const w = new BufferWriter(BLOCK_HEADER_SIZE);
  writeBlockHeader(w, h);
  return w.finish();
}

export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  const r = new BufferReader(bytes);
  const h = readBlockHeader(r);
  r.assertEnd('block header');
  return h;
}

/** Block hash (internal byte order): SHA256d of the 80-byte header. */
export function blockHash(h: BlockHeader): Uint8Array {
  return sha256d(encodeBlockHeader(h));
}

/**
 * Decodes a block. The whole buffer is bounded by `limits.maxSize` (default: Core's
 * MAX_BLOCK_SERIALIZED_SIZE) and trailing bytes are rejected.
 */
export function decodeBlock(bytes: Uint8Array, limits: DecodeLimits = defaultDecodeLimits): Block {
  if (bytes.length > limits.maxSize) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `block of ${bytes.length} bytes exceeds ${limits.maxSize}`,
      {
        size: bytes.length,
        max: limits.maxSize,
      },
    );
  }
  const r = new BufferReader(bytes);
  const block = readBlock(r, limits);
  r.assertEnd('block');
  return block;
}

/** A decoded block with the ids of its transactions, hashed straight from the wire bytes. */
export interface DecodedBlock {
  block: Block;
  /** Txids in internal order (SHA256d of each transaction without witness). */
  txids: Uint8Array[];
  /** Wtxids in internal order (equal to the txid for a transaction without witness). */
  wtxids: Uint8Array[];
}

let idScratch = new Uint8Array(4096);

/**
 * `decodeBlock` plus every txid and wtxid, hashed from the bytes just read instead of a
 * re-serialization: the decoder accepts only canonical encodings (non-minimal CompactSizes
 * and superfluous witness flags are rejected), so each transaction's bytes are exactly what
 * its ids hash. A witness transaction's txid hashes version ‖ body ‖ locktime without the
 * marker, flag and witnesses (copied together into one scratch buffer).
 */
export function decodeBlockWithIds(
  bytes: Uint8Array,
  limits: DecodeLimits = defaultDecodeLimits,
): DecodedBlock {
  if (bytes.length > limits.maxSize) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `block of ${bytes.length} bytes exceeds ${limits.maxSize}`,
      { size: bytes.length, max: limits.maxSize },
    );
  }
  const r = new BufferReader(bytes);
  const header = readBlockHeader(r);
  const n = r.compactSize(Math.floor(r.remaining / MIN_TX_SIZE), 'transaction count');
  const txs: Transaction[] = new Array(n);
  const txids: Uint8Array[] = new Array(n);
  const wtxids: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const start = r.offset;
    const tx = readTransaction(r, limits);
    const raw = bytes.subarray(start, r.offset);
    txs[i] = tx;
    const full = sha256d(raw);
    wtxids[i] = full;
    if (!hasWitness(tx)) {
      txids[i] = full;
      continue;
    }
    // version(4) ‖ marker, flag(2) ‖ ins/outs ‖ witnesses ‖ locktime(4)
    const base = txBaseSize(tx);
    if (idScratch.length < base) idScratch = new Uint8Array(Math.max(base, 2 * idScratch.length));
    const buf = idScratch;
    buf.set(raw.subarray(0, 4), 0);
    buf.set(raw.subarray(6, 6 + base - 8), 4);
    buf.set(raw.subarray(raw.length - 4), base - 4);
    txids[i] = sha256d(buf.subarray(0, base));
  }
  r.assertEnd('block');
  return { block: { header, txs }, txids, wtxids };
}

export function readBlock(r: BufferReader, limits: DecodeLimits = defaultDecodeLimits): Block {
  const header = readBlockHeader(r);
  const n = r.compactSize(Math.floor(r.remaining / MIN_TX_SIZE), 'transaction count');
  const txs: Transaction[] = new Array(n);
  for (let i = 0; i < n; i++) txs[i] = readTransaction(r, limits);
  return { header, txs };
}

export function encodeBlock(block: Block, witness = true): Uint8Array {
  const w = new BufferWriter(1024);
  writeBlockHeader(w, block.header);
  w.compactSize(block.txs.length);
  for (const tx of block.txs) writeTransaction(w, tx, witness);
  return w.finish();
}
