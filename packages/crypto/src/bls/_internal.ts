import { bytesToBigInt } from '@keel/util';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { BLS_CURVE_ORDER, BLS_SECRET_KEY_LENGTH } from './constants.ts';

/** The secret key as a scalar; throws CryptoError unless it is 32 bytes encoding 1..r-1. */
export function secretKeyToScalar(secretKey: Uint8Array): bigint {
  assertLength(secretKey, BLS_SECRET_KEY_LENGTH, 'BLS secret key');
  const x = bytesToBigInt(secretKey);
  if (x === 0n || x >= BLS_CURVE_ORDER) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_PRIVATE_KEY,
      'BLS secret key must be in [1, r-1]',
    );
  }
  return x;
}

export function assertNonEmpty(list: readonly unknown[], what: string): void {
  if (!Array.isArray(list) || list.length === 0) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_INPUT,
      `cannot aggregate an empty list of ${what}`,
    );
  }
}

export function invalidPoint(
  code: 'INVALID_PUBLIC_KEY' | 'INVALID_SIGNATURE',
  index: number,
): CryptoError {
  const what = code === 'INVALID_PUBLIC_KEY' ? 'public key' : 'signature';
  return new CryptoError(CryptoErrorCode[code], `invalid BLS ${what} at index ${index}`, { index });
}

/** Runs a boolean check; any exception (a malformed input deep in a library) means false. */
export function falseOnThrow(fn: () => boolean): boolean {
  try {
    return fn() === true;
  } catch {
    return false;
  }
}

export function isBytes(b: unknown, len?: number): b is Uint8Array {
  return b instanceof Uint8Array && (len === undefined || b.length === len);
}
