import { type ErrorMeta, KeelError } from '@keel/util';

export const LedgerErrorCode = {
  /** A transaction failed a stateless or stateful check (signature, nonce, balance, fee...). */
  INVALID_TX: 'ERR_LEDGER_INVALID_TX',
  /** A block could not be applied (a transaction in it is invalid). */
  INVALID_BLOCK: 'ERR_LEDGER_INVALID_BLOCK',
  /** A genesis config is malformed or inconsistent. */
  INVALID_GENESIS: 'ERR_LEDGER_INVALID_GENESIS',
  /** A snapshot is malformed, over a limit, or does not match the expected root. */
  INVALID_SNAPSHOT: 'ERR_LEDGER_INVALID_SNAPSHOT',
  /** A state proof is malformed. */
  INVALID_PROOF: 'ERR_LEDGER_INVALID_PROOF',
  /** A stored record is corrupt (a bug or a damaged store). */
  CORRUPT_STATE: 'ERR_LEDGER_CORRUPT_STATE',
} as const;
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

export class LedgerError extends KeelError {
  constructor(code: LedgerErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'LedgerError';
  }
}

/**
 * Why a transaction is invalid. Stable reasons, so a mempool can score peers and an RPC client
 * can match on them.
 */
export const TxRejectReason = {
  /** The bytes do not decode as a transaction. */
  MALFORMED: 'malformed',
  CHAIN_ID: 'chain_id',
  SIGNATURE: 'signature',
  NONCE_TOO_LOW: 'nonce_too_low',
  NONCE_TOO_HIGH: 'nonce_too_high',
  INSUFFICIENT_BALANCE: 'insufficient_balance',
  GAS_PRICE_TOO_LOW: 'gas_price_too_low',
  INTRINSIC_GAS: 'intrinsic_gas',
  GAS_LIMIT_TOO_HIGH: 'gas_limit_too_high',
  INVALID_CODE: 'invalid_code',
  STAKE: 'stake',
  /** Evidence that does not prove an offence (bad signature, unknown validator/epoch, expired). */
  EVIDENCE: 'evidence',
  /** Evidence of an offence (validator, epoch) that was slashed already. */
  EVIDENCE_DUPLICATE: 'evidence_duplicate',
} as const;
export type TxRejectReason = (typeof TxRejectReason)[keyof typeof TxRejectReason];

export class InvalidTxError extends LedgerError {
  readonly reason: TxRejectReason;
  constructor(reason: TxRejectReason, message: string, meta: ErrorMeta = {}) {
    super(LedgerErrorCode.INVALID_TX, message, { reason, ...meta });
    this.name = 'InvalidTxError';
    this.reason = reason;
  }
}
