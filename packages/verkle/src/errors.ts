import { type ErrorMeta, KeelError } from '@keel/util';

export const VerkleErrorCode = {
  INVALID_LENGTH: 'ERR_VERKLE_INVALID_LENGTH',
  INVALID_POINT: 'ERR_VERKLE_INVALID_POINT',
  INVALID_SCALAR: 'ERR_VERKLE_INVALID_SCALAR',
  INVALID_INPUT: 'ERR_VERKLE_INVALID_INPUT',
  INVALID_PROOF: 'ERR_VERKLE_INVALID_PROOF',
  INVALID_WITNESS: 'ERR_VERKLE_INVALID_WITNESS',
  LIMIT_EXCEEDED: 'ERR_VERKLE_LIMIT_EXCEEDED',
} as const;
export type VerkleErrorCode = (typeof VerkleErrorCode)[keyof typeof VerkleErrorCode];

export class VerkleError extends KeelError {
  constructor(code: VerkleErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'VerkleError';
  }
}

/** Throws VerkleError INVALID_LENGTH unless `b` is a Uint8Array of exactly `len` bytes. */
export function assertLength(b: Uint8Array, len: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== len) {
    throw new VerkleError(
      VerkleErrorCode.INVALID_LENGTH,
      `${what} must be ${len} bytes, got ${b instanceof Uint8Array ? b.length : typeof b}`,
      { expected: len, actual: b instanceof Uint8Array ? b.length : null },
    );
  }
}
