import { type ErrorMeta, KeelError } from '@keel/util';

export const RollupErrorCode = {
  INVALID_INPUT: 'ERR_ROLLUP_INVALID_INPUT',
  INVALID_BATCH: 'ERR_ROLLUP_INVALID_BATCH',
  INVALID_PROOF: 'ERR_ROLLUP_INVALID_PROOF',
  LIMIT_EXCEEDED: 'ERR_ROLLUP_LIMIT_EXCEEDED',
} as const;
export type RollupErrorCode = (typeof RollupErrorCode)[keyof typeof RollupErrorCode];

export class RollupError extends KeelError {
  constructor(code: RollupErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'RollupError';
  }
}
