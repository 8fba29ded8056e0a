import { type ErrorMeta, KeelError } from '@keel/util';

export const RollupErrorCode = {
  INVALID_INPUT: 'ERR_ROLLUP_INVALID_INPUT',
  INVALID_BATCH: 'ERR_ROLLUP_INVALID_BATCH',
  INVALID_BLOB: 'ERR_ROLLUP_INVALID_BLOB',
  INVALID_BLOCK: 'ERR_ROLLUP_INVALID_BLOCK',
  INVALID_LOG: 'ERR_ROLLUP_INVALID_LOG',
  INVALID_PROOF: 'ERR_ROLLUP_INVALID_PROOF',
  INVALID_BID: 'ERR_ROLLUP_INVALID_BID',
  LIMIT_EXCEEDED: 'ERR_ROLLUP_LIMIT_EXCEEDED',
} as const;
export type RollupErrorCode = (typeof RollupErrorCode)[keyof typeof RollupErrorCode];

export class RollupError extends KeelError {
  constructor(code: RollupErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'RollupError';
  }
}
