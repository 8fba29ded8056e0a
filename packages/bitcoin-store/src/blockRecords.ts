import {
  BLOCK_HEADER_SIZE,
  type BlockHeader,
  blockHash,
  decodeBlockHeader,
  MAX_BLOCK_SERIALIZED_SIZE,
} from '@keel/bitcoin';
import { type NetworkName, networks } from '@keel/bitcoin/consensus';
import { equalBytes } from '@keel/util';
import { BlockFileError } from './errors.ts';

/*
 * Bitcoin Core's block-file record format (blk?????.dat, and `-loadblock` stream files):
 *   magic (4 bytes, the network's message start) ‖ u32 LE length ‖ serialized block
 * Core preallocates blk files in 16 MiB chunks, so a file may end in zero bytes; records
 * are in arrival order, so a child may come before its parent.
 */

/** Size of a record's magic + length prefix. */
export const RECORD_HEADER_SIZE = 8;

/** Where one block is: file index in the source, offset of the block bytes, and length. */
export interface BlockLocation {
  file: number;
  offset: number;
  length: number;
}

export interface ScannedRecord {
  header: BlockHeader;
  hash: Uint8Array;
  offset: number;
  length: number;
}

/** Core's block-file obfuscation (`xor.dat`, Core ≥ 28): byte at file position p ^= key[p % 8]. */
export function xorInPlace(bytes: Uint8Array, key: Uint8Array | undefined, filePos: number): void {
  if (!key || key.every((b) => b === 0)) return;
  const n = key.length;
  for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ key[(filePos + i) % n]!;
}

/** The network whose magic starts a record, or undefined. */
export function networkFromMagic(magic: Uint8Array): NetworkName | undefined {
  for (const name of ['main', 'test', 'testnet4', 'signet', 'regtest'] as const) {
    if (equalBytes(networks[name].magic, magic)) return name;
  }
  return undefined;
}

function allZero(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Every record in a (de-obfuscated) block file, in file order. Only headers are decoded.
 * Trailing zero bytes end the file; anything else that is not a whole record with the
 * network's magic is a BlockFileError naming the file and offset. `onRecord` sees each
 * record as it is found, so a caller keeps the records before a corrupt one.
 */
export function scanRecords(
  bytes: Uint8Array,
  file: string,
  magic: Uint8Array,
  onRecord: (r: ScannedRecord) => void,
): void {
  let o = 0;
  while (o < bytes.length) {
    if (allZero(bytes.subarray(o, Math.min(bytes.length, o + 4)), 0) && allZero(bytes, o)) return;
    if (bytes.length - o < RECORD_HEADER_SIZE) {
      throw new BlockFileError(`truncated record header (${bytes.length - o} bytes left)`, file, o);
    }
    if (!equalBytes(bytes.subarray(o, o + 4), magic)) {
      throw new BlockFileError(
        `bad record magic ${hex(bytes.subarray(o, o + 4))}, expected ${hex(magic)}`,
        file,
        o,
      );
    }
    const len = new DataView(bytes.buffer, bytes.byteOffset + o + 4, 4).getUint32(0, true);
    if (len < BLOCK_HEADER_SIZE + 1 || len > MAX_BLOCK_SERIALIZED_SIZE) {
      throw new BlockFileError(`record length ${len} out of range`, file, o);
    }
    const start = o + RECORD_HEADER_SIZE;
    if (start + len > bytes.length) {
      throw new BlockFileError(
        `truncated record: ${len} bytes announced, ${bytes.length - start} present`,
        file,
        o,
      );
    }
    const header = decodeBlockHeader(bytes.subarray(start, start + BLOCK_HEADER_SIZE));
    onRecord({ header, hash: blockHash(header), offset: start, length: len });
    o = start + len;
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
