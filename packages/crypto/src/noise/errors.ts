import type { ErrorMeta } from '@keel/util';
import { CryptoError, CryptoErrorCode } from '../errors.ts';

/** A handshake used out of order, a truncated or oversized message, a bad key. */
export function handshakeError(message: string, meta: ErrorMeta = {}): CryptoError {
  return new CryptoError(CryptoErrorCode.HANDSHAKE, `Noise: ${message}`, meta);
}
