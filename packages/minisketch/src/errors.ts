import { type ErrorMeta, KeelError } from '@keel/util';

export const MinisketchErrorCode = {
  /** Field size outside 2..64 bits. */
  INVALID_BITS: 'ERR_MINISKETCH_INVALID_BITS',
  /** Capacity not an integer in 0..limit. */
  INVALID_CAPACITY: 'ERR_MINISKETCH_INVALID_CAPACITY',
  /** Element not an integer in 0..2^bits-1. */
  INVALID_ELEMENT: 'ERR_MINISKETCH_INVALID_ELEMENT',
  /** Serialized sketch of the wrong length. */
  INVALID_LENGTH: 'ERR_MINISKETCH_INVALID_LENGTH',
  /** Merge of sketches over different fields. */
  FIELD_MISMATCH: 'ERR_MINISKETCH_FIELD_MISMATCH',
  /** Any other argument outside its contract (seed, max elements, fpbits). */
  INVALID_ARGUMENT: 'ERR_MINISKETCH_INVALID_ARGUMENT',
} as const;
export type MinisketchErrorCode = (typeof MinisketchErrorCode)[keyof typeof MinisketchErrorCode];

export class MinisketchError extends KeelError {
  constructor(code: MinisketchErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'MinisketchError';
  }
}
