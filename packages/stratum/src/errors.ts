import { type ErrorMeta, KeelError } from '@keel/util';

/** Stable codes of every error @keel/stratum throws. */
export const StratumErrorCode = {
  /** A value does not fit its SV2 data type (encode side) or is malformed (decode side). */
  INVALID_VALUE: 'ERR_STRATUM_INVALID_VALUE',
  /** Bytes on the wire do not decode: truncated, trailing bytes, bad lengths. */
  MALFORMED: 'ERR_STRATUM_MALFORMED',
  /** A declared length exceeds the message's or the caller's maximum. */
  FRAME_TOO_LARGE: 'ERR_STRATUM_FRAME_TOO_LARGE',
  /** (extension_type, msg_type) is not in the registry. */
  UNKNOWN_MESSAGE: 'ERR_STRATUM_UNKNOWN_MESSAGE',
  /** Noise: handshake out of order, wrong sizes, bad peer key. */
  HANDSHAKE: 'ERR_STRATUM_HANDSHAKE',
  /** Noise: an AEAD tag did not verify. */
  BAD_MAC: 'ERR_STRATUM_BAD_MAC',
  /** Certificate signature does not verify under the pinned authority key. */
  BAD_CERTIFICATE: 'ERR_STRATUM_BAD_CERTIFICATE',
  /** Certificate valid_from is in the future or not_valid_after in the past. */
  CERTIFICATE_EXPIRED: 'ERR_STRATUM_CERTIFICATE_EXPIRED',
  /** Mining logic: a job/template/channel argument is inconsistent. */
  MINING: 'ERR_STRATUM_MINING',
  /** AuxPoW: construction or verification failed. */
  AUXPOW: 'ERR_STRATUM_AUXPOW',
  /** Revenue ledger: bad policy or amounts. */
  LEDGER: 'ERR_STRATUM_LEDGER',
} as const;
export type StratumErrorCode = (typeof StratumErrorCode)[keyof typeof StratumErrorCode];

export class StratumError extends KeelError {
  declare readonly code: StratumErrorCode;
  constructor(code: StratumErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'StratumError';
  }
}

export function malformed(message: string, meta: ErrorMeta = {}): StratumError {
  return new StratumError(StratumErrorCode.MALFORMED, message, meta);
}

export function invalidValue(message: string, meta: ErrorMeta = {}): StratumError {
  return new StratumError(StratumErrorCode.INVALID_VALUE, message, meta);
}
