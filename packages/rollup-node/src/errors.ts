import { type ErrorMeta, KeelError } from '@keel/util';

export const RollupNodeErrorCode = {
  INVALID_CONFIG: 'ERR_ROLLUP_NODE_INVALID_CONFIG',
  L1: 'ERR_ROLLUP_NODE_L1',
  WAL: 'ERR_ROLLUP_NODE_WAL',
  TX_REJECTED: 'ERR_ROLLUP_NODE_TX_REJECTED',
  NOT_FOUND: 'ERR_ROLLUP_NODE_NOT_FOUND',
} as const;
export type RollupNodeErrorCode = (typeof RollupNodeErrorCode)[keyof typeof RollupNodeErrorCode];

export class RollupNodeError extends KeelError {
  constructor(code: RollupNodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'RollupNodeError';
  }
}
