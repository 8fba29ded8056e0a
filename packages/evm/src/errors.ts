import { type ErrorMeta, KeelError } from '@keel/util';

/**
 * Stable codes of every error @keel/evm throws. An exceptional halt inside the EVM is not an
 * error (it is a result that consumes gas); these are for input that cannot be processed.
 */
export const EvmErrorCode = {
  /** RLP bytes that do not decode, are non-canonical, or exceed a limit. */
  RLP: 'ERR_EVM_RLP',
  /** A transaction that does not decode or is invalid in itself (fields, signature). */
  TX_MALFORMED: 'ERR_EVM_TX_MALFORMED',
  /** A transaction that is well formed but cannot be included (nonce, balance, gas, fees). */
  TX_INVALID: 'ERR_EVM_TX_INVALID',
  /** A block or header that is invalid. */
  BLOCK_INVALID: 'ERR_EVM_BLOCK_INVALID',
  /** Trie: bad proof, bad node encoding. */
  TRIE: 'ERR_EVM_TRIE',
  /** A caller passed an argument outside the function's contract. */
  INVALID_ARGUMENT: 'ERR_EVM_INVALID_ARGUMENT',
} as const;
export type EvmErrorCode = (typeof EvmErrorCode)[keyof typeof EvmErrorCode];

export class EvmError extends KeelError {
  declare readonly code: EvmErrorCode;
  constructor(code: EvmErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'EvmError';
  }
}
