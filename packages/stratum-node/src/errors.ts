import { type ErrorMeta, KeelError } from '@keel/util';

/** Stable codes for stratum-node failures (the pure protocol errors are `StratumError`). */
export const StratumNodeErrorCode = {
  CONFIG: 'ERR_STRATUM_NODE_CONFIG',
  TEMPLATE: 'ERR_STRATUM_NODE_TEMPLATE',
  RPC: 'ERR_STRATUM_NODE_RPC',
  CONNECTION: 'ERR_STRATUM_NODE_CONNECTION',
  HANDSHAKE_TIMEOUT: 'ERR_STRATUM_NODE_HANDSHAKE_TIMEOUT',
  PROTOCOL: 'ERR_STRATUM_NODE_PROTOCOL',
  SV1: 'ERR_STRATUM_NODE_SV1',
} as const;
export type StratumNodeErrorCode = (typeof StratumNodeErrorCode)[keyof typeof StratumNodeErrorCode];

export class StratumNodeError extends KeelError {
  constructor(code: StratumNodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'StratumNodeError';
  }
}
