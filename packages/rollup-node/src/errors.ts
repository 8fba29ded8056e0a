import { type ErrorMeta, KeelError } from '@keel/util';

export const RollupNodeErrorCode = {
  INVALID_CONFIG: 'ERR_ROLLUP_NODE_INVALID_CONFIG',
  L1: 'ERR_ROLLUP_NODE_L1',
  WAL: 'ERR_ROLLUP_NODE_WAL',
  TX_REJECTED: 'ERR_ROLLUP_NODE_TX_REJECTED',
  NOT_FOUND: 'ERR_ROLLUP_NODE_NOT_FOUND',
  /** A JSON-RPC parameter is missing or malformed (answered as -32602). */
  INVALID_PARAMS: 'ERR_ROLLUP_NODE_INVALID_PARAMS',
  /** A block tag names state the node does not keep (only the head state is kept). */
  UNSUPPORTED: 'ERR_ROLLUP_NODE_UNSUPPORTED',
} as const;
export type RollupNodeErrorCode = (typeof RollupNodeErrorCode)[keyof typeof RollupNodeErrorCode];

export class RollupNodeError extends KeelError {
  constructor(code: RollupNodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'RollupNodeError';
  }
}
