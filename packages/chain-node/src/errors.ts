import { type ErrorMeta, KeelError } from '@keel/util';

export const ChainNodeErrorCode = {
  INVALID_CONFIG: 'ERR_CHAIN_INVALID_CONFIG',
  INVALID_GENESIS: 'ERR_CHAIN_INVALID_GENESIS',
  INVALID_KEYS: 'ERR_CHAIN_INVALID_KEYS',
  BAD_PASSPHRASE: 'ERR_CHAIN_BAD_PASSPHRASE',
  INVALID_TX: 'ERR_CHAIN_INVALID_TX',
  TX_REJECTED: 'ERR_CHAIN_TX_REJECTED',
  MEMPOOL_FULL: 'ERR_CHAIN_MEMPOOL_FULL',
  STORE_CORRUPT: 'ERR_CHAIN_STORE_CORRUPT',
  NOT_FOUND: 'ERR_CHAIN_NOT_FOUND',
  NETWORK: 'ERR_CHAIN_NETWORK',
  SYNC_FAILED: 'ERR_CHAIN_SYNC_FAILED',
  HALTED: 'ERR_CHAIN_HALTED',
  NOT_SUPPORTED: 'ERR_CHAIN_NOT_SUPPORTED',
} as const;
export type ChainNodeErrorCode = (typeof ChainNodeErrorCode)[keyof typeof ChainNodeErrorCode];

export class ChainNodeError extends KeelError {
  constructor(code: ChainNodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ChainNodeError';
  }
}
