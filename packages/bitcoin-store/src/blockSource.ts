import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Block, decodeBlock } from '@keel/bitcoin';
import { type NetworkName, networks } from '@keel/bitcoin/consensus';
import { isKeelError } from '@keel/util';
import {
  type BlockLocation,
  networkFromMagic,
  RECORD_HEADER_SIZE,
  type ScannedRecord,
  scanRecords,
  xorInPlace,
} from './blockRecords.ts';
import { BlockFileError } from './errors.ts';

/** Core's obfuscation key file in the blocks directory (8 bytes; all zero = off). */
export const XOR_KEY_FILE = 'xor.dat';
const BLK_FILE = /^blk\d{5}\.dat$/;

export interface BlockSourceOptions {
  /** Expected network, or 'auto' to take it from the first record's magic. */
  network?: NetworkName | 'auto';
}

export interface ScanResult {
  network: NetworkName;
  /** Records found, in file order (duplicates included). */
  records: Array<ScannedRecord & { file: number }>;
  /** The first corrupt or truncated record, if any: records before it are kept. */
  error?: BlockFileError;
}

/**
 * Block files on disk: a Bitcoin Core `blocks/` directory (blk?????.dat in name order, with
 * `xor.dat` applied when present) or one stream file of the same record format.
 */
export class BlockSource {
  readonly files: readonly string[];
  readonly xorKey: Uint8Array | undefined;
  private readonly fds = new Map<number, number>();

  private constructor(files: string[], xorKey: Uint8Array | undefined) {
    this.files = files;
    this.xorKey = xorKey;
  }

  static open(path: string): BlockSource {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      throw new BlockFileError(`cannot open: ${(e as NodeJS.ErrnoException).code}`, path, 0);
    }
    if (!st.isDirectory()) return new BlockSource([path], undefined);
    const files = readdirSync(path)
      .filter((n) => BLK_FILE.test(n))
      .sort()
      .map((n) => join(path, n));
    if (files.length === 0) throw new BlockFileError('no blk?????.dat files in directory', path, 0);
    let key: Uint8Array | undefined;
    try {
      key = new Uint8Array(readFileSync(join(path, XOR_KEY_FILE)));
    } catch {
      key = undefined; // Core before 28, or obfuscation off
    }
    if (key && key.length !== 8) {
      throw new BlockFileError(
        `xor key must be 8 bytes, got ${key.length}`,
        join(path, XOR_KEY_FILE),
        0,
      );
    }
    return new BlockSource(files, key);
  }

  /** The network whose magic starts the first non-empty file, if any. */
  detectNetwork(): NetworkName | undefined {
    for (const file of this.files) {
      const head = new Uint8Array(4);
      let n = 0;
      try {
        const fd = openSync(file, 'r');
        n = readSync(fd, head, 0, 4, 0);
        closeSync(fd);
      } catch (e) {
        throw new BlockFileError(`cannot read: ${(e as NodeJS.ErrnoException).code}`, file, 0);
      }
      xorInPlace(head, this.xorKey, 0);
      if (n === 4) return networkFromMagic(head);
    }
    return undefined;
  }

  /** Reads every file and lists its records; stops at the first corrupt record. */
  scan(opts: BlockSourceOptions = {}): ScanResult {
    let network = opts.network === 'auto' ? undefined : opts.network;
    const records: ScanResult['records'] = [];
    for (let f = 0; f < this.files.length; f++) {
      const file = this.files[f]!;
      const bytes = this.readWhole(file);
      if (bytes.length === 0) continue;
      if (!network) {
        network = networkFromMagic(bytes.subarray(0, 4));
        if (!network) {
          return {
            network: 'main',
            records,
            error: new BlockFileError('first record has no known network magic', file, 0),
          };
        }
      }
      try {
        scanRecords(bytes, file, networks[network].magic, (r) => records.push({ ...r, file: f }));
      } catch (e) {
        if (e instanceof BlockFileError) return { network, records, error: e };
        throw e;
      }
    }
    return { network: network ?? 'main', records };
  }

  /** Reads and decodes one block; a malformed block is a BlockFileError at its record. */
  readBlock(loc: BlockLocation): Block {
    const file = this.files[loc.file]!;
    const bytes = new Uint8Array(loc.length);
    try {
      let fd = this.fds.get(loc.file);
      if (fd === undefined) {
        fd = openSync(file, 'r');
        this.fds.set(loc.file, fd);
      }
      const n = readSync(fd, bytes, 0, loc.length, loc.offset);
      if (n !== loc.length) {
        throw new BlockFileError('file shrank since it was scanned', file, loc.offset);
      }
    } catch (e) {
      if (e instanceof BlockFileError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new BlockFileError(`read failed: ${code}`, file, loc.offset);
    }
    xorInPlace(bytes, this.xorKey, loc.offset);
    try {
      return decodeBlock(bytes);
    } catch (e) {
      const why = isKeelError(e) ? e.message : String(e);
      const at = loc.offset - RECORD_HEADER_SIZE;
      throw new BlockFileError(`block does not decode: ${why}`, file, at);
    }
  }

  /** Closes the files `readBlock` opened. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private readWhole(file: string): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      throw new BlockFileError(`cannot read: ${(e as NodeJS.ErrnoException).code}`, file, 0);
    }
    xorInPlace(bytes, this.xorKey, 0);
    return bytes;
  }
}
