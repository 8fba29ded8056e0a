import { type ErrorMeta, KeelError } from '@keel/util';

/**
 * A consensus rule was broken. `code` is Bitcoin Core's reject reason where Core has one
 * (e.g. `bad-txns-vin-empty`, `bad-blk-length`), so results compare directly with Core.
 */
export class ValidationError extends KeelError {
  constructor(code: string, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ValidationError';
  }
}
