import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { sha256d } from './_hash.ts';
import { type DecodeLimits, defaultDecodeLimits } from './limits.ts';
import { readTransaction, type Transaction, writeTransaction } from './transaction.ts';

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
