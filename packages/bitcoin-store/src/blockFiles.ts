import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { MAX_BLOCK_SERIALIZED_SIZE } from '@keel/bitcoin';
import type { BlockLocation } from './blockRecords.ts';
import { RECORD_HEADER_SIZE } from './blockRecords.ts';
import { BlockFileError } from './errors.ts';

/** Core starts a new blk file once the current one would pass 128 MiB (MAX_BLOCKFILE_SIZE). */
export const MAX_BLOCKFILE_SIZE = 128 * 1024 * 1024;

const BLK_FILE = /^blk(\d{5})\.dat$/;
const fileName = (n: number) => `blk${String(n).padStart(5, '0')}.dat`;

/**
 * The node's own block files: append-only `blk?????.dat` in Core's record format (magic ‖ u32 LE
 * length ‖ block, no obfuscation), so `BlockSource` and `keel bitcoin replay` read them too.
 * `sync()` makes every appended record durable; callers sync before an index entry names it.
 */
export class BlockFiles {
  private fd: number;
  private file: number;
  private size: number;
  private readonly readFds = new Map<number, number>();
  private dirty = false;

  private constructor(
    readonly dir: string,
    readonly magic: Uint8Array,
    file: number,
    fd: number,
    size: number,
  ) {
    this.file = file;
    this.fd = fd;
    this.size = size;
  }

  static open(dir: string, magic: Uint8Array): BlockFiles {
    try {
      mkdirSync(dir, { recursive: true });
      const nums = readdirSync(dir)
        .map((n) => BLK_FILE.exec(n)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
      const last = nums.length ? Math.max(...nums) : 0;
      const path = join(dir, fileName(last));
      const fd = openSync(path, 'a+');
      // a torn record at the end (crash mid-append) is never indexed; appends go after it
      return new BlockFiles(dir, magic, last, fd, statSync(path).size);
    } catch (e) {
      throw new BlockFileError(`cannot open: ${(e as NodeJS.ErrnoException).code}`, dir, 0);
    }
  }

  /** Appends one serialized block; returns where its bytes are. */
  append(raw: Uint8Array): BlockLocation {
    if (raw.length > MAX_BLOCK_SERIALIZED_SIZE) {
      throw new BlockFileError(`block of ${raw.length} bytes is too large`, this.path(), this.size);
    }
    if (this.size > 0 && this.size + RECORD_HEADER_SIZE + raw.length > MAX_BLOCKFILE_SIZE) {
      this.rotate();
    }
    const head = new Uint8Array(RECORD_HEADER_SIZE);
    head.set(this.magic, 0);
    new DataView(head.buffer).setUint32(4, raw.length, true);
    try {
      writeSync(this.fd, head);
      writeSync(this.fd, raw);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new BlockFileError(`write failed: ${code}`, this.path(), this.size);
    }
    const loc = { file: this.file, offset: this.size + RECORD_HEADER_SIZE, length: raw.length };
    this.size += RECORD_HEADER_SIZE + raw.length;
    this.dirty = true;
    return loc;
  }

  /** The bytes of one stored block. */
  read(loc: BlockLocation): Uint8Array {
    const path = join(this.dir, fileName(loc.file));
    const out = new Uint8Array(loc.length);
    try {
      let fd = loc.file === this.file ? this.fd : this.readFds.get(loc.file);
      if (fd === undefined) {
        fd = openSync(path, 'r');
        this.readFds.set(loc.file, fd);
      }
      const n = readSync(fd, out, 0, loc.length, loc.offset);
      if (n !== loc.length) throw new BlockFileError('record is cut short', path, loc.offset);
    } catch (e) {
      if (e instanceof BlockFileError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new BlockFileError(`read failed: ${code}`, path, loc.offset);
    }
    return out;
  }

  /** fsync the file being appended to (earlier files were synced when they were closed). */
  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
    for (const fd of this.readFds.values()) closeSync(fd);
    this.readFds.clear();
  }

  private path(): string {
    return join(this.dir, fileName(this.file));
  }

  private rotate(): void {
    this.sync();
    closeSync(this.fd);
    this.file++;
    this.fd = openSync(this.path(), 'a+');
    this.size = 0;
  }
}
