import { type ErrorMeta, KeelError } from '@keel/util';

/** A block file is corrupt, truncated or unreadable; `meta` names the file and byte offset. */
export class BlockFileError extends KeelError {
  constructor(
    message: string,
    readonly file: string,
    readonly offset: number,
    meta: ErrorMeta = {},
  ) {
    super('ERR_BLOCK_FILE', `${file} at offset ${offset}: ${message}`, { file, offset, ...meta });
    this.name = 'BlockFileError';
  }
}

/** The chainstate database is missing data it must have, or belongs to another chain. */
export class ChainstateError extends KeelError {
  constructor(message: string, meta: ErrorMeta = {}) {
    super('ERR_CHAINSTATE', message, meta);
    this.name = 'ChainstateError';
  }
}
