import { type ErrorMeta, KeelError } from '@keel/util';

export const CryptoErrorCode = {
  INVALID_PRIVATE_KEY: 'ERR_CRYPTO_INVALID_PRIVATE_KEY',
  INVALID_PUBLIC_KEY: 'ERR_CRYPTO_INVALID_PUBLIC_KEY',
  INVALID_SIGNATURE: 'ERR_CRYPTO_INVALID_SIGNATURE',
  INVALID_LENGTH: 'ERR_CRYPTO_INVALID_LENGTH',
  INVALID_POINT: 'ERR_CRYPTO_INVALID_POINT',
  INVALID_TWEAK: 'ERR_CRYPTO_INVALID_TWEAK',
  INVALID_INPUT: 'ERR_CRYPTO_INVALID_INPUT',
  BACKEND_UNAVAILABLE: 'ERR_CRYPTO_BACKEND_UNAVAILABLE',
  DECRYPT_FAILED: 'ERR_CRYPTO_DECRYPT_FAILED',
  HANDSHAKE: 'ERR_CRYPTO_HANDSHAKE',
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

export class CryptoError extends KeelError {
  constructor(code: CryptoErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'CryptoError';
  }
}

/** Throws CryptoError INVALID_LENGTH unless `b` is a Uint8Array of exactly `len` bytes. */
export function assertLength(b: Uint8Array, len: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== len) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_LENGTH,
      `${what} must be ${len} bytes, got ${b instanceof Uint8Array ? b.length : typeof b}`,
      { expected: len, actual: b instanceof Uint8Array ? b.length : null },
    );
  }
}
