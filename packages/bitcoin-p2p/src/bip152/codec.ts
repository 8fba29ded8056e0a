/**
 * BIP152 wire codecs: `cmpctblock` (HeaderAndShortIDs), `getblocktxn` (BlockTransactionsRequest),
 * `blocktxn` (BlockTransactions) and `sendcmpct`. Every count is checked against the bytes left
 * and against BIP152's 16-bit index space before anything is allocated for it; differential
 * indexes are checked for overflow as they are read (Core's DifferenceFormatter).
 */
import {
  BLOCK_HEADER_SIZE,
  type DecodeLimits,
  defaultDecodeLimits,
  readBlockHeader,
  readTransaction,
  writeBlockHeader,
  writeTransaction,
} from '@keel/bitcoin/primitives';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { P2PError, P2PErrorCode } from '../errors.ts';
import type { BlockTxn, CmpctBlock, GetBlockTxn, PrefilledTransaction } from './types.ts';

/** BIP152 short ids are 6 bytes. */
export const SHORT_ID_LENGTH = 6;
/** Indexes are uint16 in Core (`indexes overflowed 16 bits`), so a block holds at most 65,535. */
export const MAX_COMPACT_INDEX = 0xffff;
/** Core's MAX_PROTOCOL_MESSAGE_LENGTH: no payload may exceed it. */
export const MAX_COMPACT_PAYLOAD = 4_000_000;
const MIN_TX_SIZE = 10; // version + two empty counts + locktime
const SHORT_ID_MAX = 2 ** 48;

export interface CompactCodecLimits {
  /** Largest payload accepted (bytes). */
  maxPayload: number;
  /** Limits for the transactions inside. */
  tx: DecodeLimits;
}

export const defaultCompactCodecLimits: CompactCodecLimits = {
  maxPayload: MAX_COMPACT_PAYLOAD,
  tx: defaultDecodeLimits,
};

function malformed(what: string, message: string, meta = {}): P2PError {
  return new P2PError(P2PErrorCode.MALFORMED, `${what}: ${message}`, 'disconnect', meta);
}

/** Runs a decoder over `bytes`, turning util's DecodeErrors into P2PErrors and refusing trailing bytes. */
function decodeWith<T>(
  what: string,
  bytes: Uint8Array,
  limits: CompactCodecLimits,
  body: (r: BufferReader) => T,
): T {
  if (bytes.length > limits.maxPayload) {
    throw new P2PError(
      P2PErrorCode.OVERSIZED,
      `${what}: payload of ${bytes.length} bytes exceeds ${limits.maxPayload}`,
      'disconnect',
      { size: bytes.length, max: limits.maxPayload },
    );
  }
  const r = new BufferReader(bytes);
  try {
    const value = body(r);
    r.assertEnd(what);
    return value;
  } catch (e) {
    if (e instanceof DecodeError) {
      const code =
        e.code === DecodeErrorCode.LIMIT_EXCEEDED ? P2PErrorCode.OVERSIZED : P2PErrorCode.MALFORMED;
      throw new P2PError(code, `${what}: ${e.message}`, 'disconnect', e.meta);
    }
    throw e;
  }
}

/** Core's DifferenceFormatter: absolute = previous + 1 + value (the first is the value itself). */
function readDifferential(r: BufferReader, prev: number, what: string): number {
  const delta = r.compactSize(MAX_COMPACT_INDEX, `${what} index`);
  const abs = prev + 1 + delta;
  if (abs > MAX_COMPACT_INDEX) {
    throw malformed(what, `differential value overflow (index ${abs} > ${MAX_COMPACT_INDEX})`, {
      offset: r.offset,
    });
  }
  return abs;
}

/** Writes `index` as its difference from `prev`; returns it (the next call's `prev`). */
function writeDelta(w: BufferWriter, index: number, prev: number, what: string): number {
  if (!Number.isInteger(index) || index <= prev || index > MAX_COMPACT_INDEX) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `${what}: indexes must be strictly increasing integers in 0..${MAX_COMPACT_INDEX}, got ${index} after ${prev}`,
      'ignore',
    );
  }
  w.compactSize(index - prev - 1);
  return index;
}

function readShortId(r: BufferReader): number {
  const b = r.bytes(SHORT_ID_LENGTH, 'short id');
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + (b[3]! | (b[4]! << 8) | (b[5]! << 16)) * 2 ** 24;
}

function writeShortId(w: BufferWriter, id: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= SHORT_ID_MAX) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `cmpctblock: short id ${id} is not a 48-bit integer`,
      'ignore',
    );
  }
  const lo = id % 2 ** 24;
  const hi = Math.floor(id / 2 ** 24);
  w.u8(lo & 0xff)
    .u8((lo >>> 8) & 0xff)
    .u8(lo >>> 16);
  w.u8(hi & 0xff)
    .u8((hi >>> 8) & 0xff)
    .u8(hi >>> 16);
}

export function decodeCmpctBlock(
  bytes: Uint8Array,
  limits: CompactCodecLimits = defaultCompactCodecLimits,
): CmpctBlock {
  return decodeWith('cmpctblock', bytes, limits, (r) => {
    const header = readBlockHeader(r);
    const nonce = r.u64le();
    const nShort = r.compactSize(
      Math.min(MAX_COMPACT_INDEX, Math.floor(r.remaining / SHORT_ID_LENGTH)),
      'short id count',
    );
    const shortIds: number[] = new Array(nShort);
    for (let i = 0; i < nShort; i++) shortIds[i] = readShortId(r);
    // Each prefilled entry takes at least one index byte and a minimal transaction.
    const nPrefilled = r.compactSize(
      Math.floor(r.remaining / (1 + MIN_TX_SIZE)),
      'prefilled transaction count',
    );
    if (nShort + nPrefilled > MAX_COMPACT_INDEX) {
      throw new P2PError(
        P2PErrorCode.OVERSIZED,
        `cmpctblock: indexes overflowed 16 bits (${nShort} short ids + ${nPrefilled} prefilled)`,
        'disconnect',
      );
    }
    const prefilled: PrefilledTransaction[] = new Array(nPrefilled);
    let prev = -1;
    for (let i = 0; i < nPrefilled; i++) {
      prev = readDifferential(r, prev, 'cmpctblock prefilled');
      prefilled[i] = { index: prev, tx: readTransaction(r, limits.tx) };
    }
    return { header, nonce, shortIds, prefilled };
  });
}

export function encodeCmpctBlock(block: CmpctBlock): Uint8Array {
  const w = new BufferWriter(BLOCK_HEADER_SIZE + 16 + block.shortIds.length * SHORT_ID_LENGTH);
  writeBlockHeader(w, block.header);
  w.u64le(block.nonce);
  w.compactSize(block.shortIds.length);
  for (const id of block.shortIds) writeShortId(w, id);
  w.compactSize(block.prefilled.length);
  let prev = -1;
  for (const p of block.prefilled) {
    prev = writeDelta(w, p.index, prev, 'cmpctblock prefilled');
    writeTransaction(w, p.tx, true);
  }
  return w.finish();
}

export function decodeGetBlockTxn(
  bytes: Uint8Array,
  limits: CompactCodecLimits = defaultCompactCodecLimits,
): GetBlockTxn {
  return decodeWith('getblocktxn', bytes, limits, (r) => {
    const blockHash = r.copyBytes(32, 'block hash');
    // Each index takes at least one byte; at most 65,536 distinct uint16 indexes exist.
    const n = r.compactSize(Math.min(MAX_COMPACT_INDEX + 1, r.remaining), 'index count');
    const indexes: number[] = new Array(n);
    let prev = -1;
    for (let i = 0; i < n; i++) {
      prev = readDifferential(r, prev, 'getblocktxn');
      indexes[i] = prev;
    }
    return { blockHash, indexes };
  });
}

export function encodeGetBlockTxn(req: GetBlockTxn): Uint8Array {
  checkHash(req.blockHash, 'getblocktxn');
  const w = new BufferWriter(40 + req.indexes.length);
  w.bytes(req.blockHash).compactSize(req.indexes.length);
  let prev = -1;
  for (const index of req.indexes) prev = writeDelta(w, index, prev, 'getblocktxn');
  return w.finish();
}

export function decodeBlockTxn(
  bytes: Uint8Array,
  limits: CompactCodecLimits = defaultCompactCodecLimits,
): BlockTxn {
  return decodeWith('blocktxn', bytes, limits, (r) => {
    const blockHash = r.copyBytes(32, 'block hash');
    const n = r.compactSize(
      Math.min(MAX_COMPACT_INDEX + 1, Math.floor(r.remaining / MIN_TX_SIZE)),
      'transaction count',
    );
    const txs = new Array(n);
    for (let i = 0; i < n; i++) txs[i] = readTransaction(r, limits.tx);
    return { blockHash, txs };
  });
}

export function encodeBlockTxn(msg: BlockTxn): Uint8Array {
  checkHash(msg.blockHash, 'blocktxn');
  const w = new BufferWriter(1024);
  w.bytes(msg.blockHash).compactSize(msg.txs.length);
  for (const tx of msg.txs) writeTransaction(w, tx, true);
  return w.finish();
}

function checkHash(hash: Uint8Array, what: string): void {
  if (hash.length !== 32) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `${what}: block hash must be 32 bytes, got ${hash.length}`,
      'ignore',
    );
  }
}
