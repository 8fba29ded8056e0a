/**
 * One error family for all of keel. Every error thrown from `src/` is a `KeelError`
 * subclass with a stable `code` (safe to match on), a human message and structured `meta`.
 */
export type ErrorMeta = Readonly<Record<string, unknown>>;

export class KeelError extends Error {
  readonly code: string;
  readonly meta: ErrorMeta;

  constructor(code: string, message: string, meta: ErrorMeta = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeelError';
    this.code = code;
    this.meta = meta;
  }
}

/** Malformed or out-of-bounds bytes (wire data, files). */
export class DecodeError extends KeelError {
  constructor(code: DecodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'DecodeError';
  }
}

export const DecodeErrorCode = {
  OUT_OF_BOUNDS: 'ERR_DECODE_OUT_OF_BOUNDS',
  LIMIT_EXCEEDED: 'ERR_DECODE_LIMIT_EXCEEDED',
  NON_CANONICAL: 'ERR_DECODE_NON_CANONICAL',
  TRAILING_DATA: 'ERR_DECODE_TRAILING_DATA',
  INVALID_HEX: 'ERR_DECODE_INVALID_HEX',
  INVALID_VALUE: 'ERR_DECODE_INVALID_VALUE',
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/** A caller passed an argument that violates the function's contract. */
export class InvalidArgumentError extends KeelError {
  constructor(message: string, meta: ErrorMeta = {}) {
    super('ERR_INVALID_ARGUMENT', message, meta);
    this.name = 'InvalidArgumentError';
  }
}

/** An internal invariant was broken: a bug in keel, never caused by input. */
export class InvariantError extends KeelError {
  constructor(message: string, meta: ErrorMeta = {}) {
    super('ERR_INVARIANT', message, meta);
    this.name = 'InvariantError';
  }
}

export function isKeelError(e: unknown): e is KeelError {
  return e instanceof KeelError;
}

/** Throws an InvariantError when `cond` is false. For internal checks only. */
export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}
