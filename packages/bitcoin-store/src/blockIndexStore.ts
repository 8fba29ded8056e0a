import {
  BLOCK_HEADER_SIZE,
  type BlockHeader,
  decodeBlockHeader,
  encodeBlockHeader,
} from '@keel/bitcoin';
import type { ConsensusParams } from '@keel/bitcoin/consensus';
import {
  BufferReader,
  BufferWriter,
  bytesToUtf8,
  isKeelError,
  type KvOp,
  utf8ToBytes,
} from '@keel/util';
import { BlockIndex, type BlockIndexEntry } from './blockIndex.ts';
import type { BlockLocation } from './blockRecords.ts';
import { ChainstateError } from './errors.ts';
import type { ChainstateDb } from './kv/db.ts';
import { indexKey, Prefix, prefixEnd } from './layout.ts';

/** Status bits of a persisted index entry (layout `I`). */
export const IndexStatus = {
  /** The block's bytes are in the block files at the stored location. */
  data: 1,
  /** The block (or an ancestor) failed validation; the reason follows. */
  failed: 2,
} as const;

/** The longest failure reason stored (longer ones are cut). */
const MAX_REASON_BYTES = 512;

interface StoredEntry {
  hash: Uint8Array;
  header: BlockHeader;
  location: BlockLocation | undefined;
  invalid: string | undefined;
}

/** One index entry as stored under `I` ‖ hash (see layout.ts). */
export function encodeIndexRecord(e: BlockIndexEntry): Uint8Array {
  const status = (e.location ? IndexStatus.data : 0) | (e.invalid ? IndexStatus.failed : 0);
  const w = new BufferWriter(BLOCK_HEADER_SIZE + 16).bytes(encodeBlockHeader(e.header)).u8(status);
  if (e.location) w.u32le(e.location.file).u32le(e.location.offset).u32le(e.location.length);
  if (e.invalid) w.bytes(utf8ToBytes(e.invalid).subarray(0, MAX_REASON_BYTES));
  return w.finish();
}

/** The write that persists an entry (put it in the same batch as anything that relies on it). */
export function indexOp(e: BlockIndexEntry): KvOp {
  return { key: indexKey(e.hash), value: encodeIndexRecord(e) };
}

/**
 * Rebuilds the block index from its `I` entries: every header the node accepted, where each
 * stored block is, and which failed — no block file is read, so a restart takes one range
 * scan. The network's genesis is always present.
 */
export async function loadBlockIndex(
  db: ChainstateDb,
  params: ConsensusParams,
): Promise<BlockIndex> {
  const records: StoredEntry[] = [];
  for await (const [k, v] of db.range(Uint8Array.of(Prefix.index), prefixEnd(Prefix.index))) {
    try {
      const r = new BufferReader(v);
      const header = decodeBlockHeader(r.bytes(BLOCK_HEADER_SIZE));
      const status = r.u8();
      const location =
        status & IndexStatus.data
          ? { file: r.u32le(), offset: r.u32le(), length: r.u32le() }
          : undefined;
      const invalid =
        status & IndexStatus.failed ? bytesToUtf8(r.bytes(r.remaining)) || 'failed' : undefined;
      records.push({ hash: k.slice(1, 33), header, location, invalid });
    } catch (e) {
      throw new ChainstateError(
        `block index entry ${Buffer.from(k.subarray(1)).toString('hex')} is corrupt: ${isKeelError(e) ? e.message : String(e)}`,
      );
    }
  }
  return BlockIndex.fromStored(params, records);
}
