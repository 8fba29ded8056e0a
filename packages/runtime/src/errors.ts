import { type ErrorMeta, KeelError } from '@keel/util';

/**
 * Stable codes of the runtime's errors. Module validation codes are thrown at deploy time;
 * execution codes end a call (they appear in `ExecutionResult.error`, never as a host crash).
 */
export const RuntimeErrorCode = {
  // module validation (deploy time)
  MALFORMED: 'ERR_RUNTIME_MALFORMED_MODULE',
  LIMIT_EXCEEDED: 'ERR_RUNTIME_LIMIT_EXCEEDED',
  FORBIDDEN_INSTRUCTION: 'ERR_RUNTIME_FORBIDDEN_INSTRUCTION',
  FORBIDDEN_TYPE: 'ERR_RUNTIME_FORBIDDEN_TYPE',
  FORBIDDEN_IMPORT: 'ERR_RUNTIME_FORBIDDEN_IMPORT',
  FORBIDDEN_EXPORT: 'ERR_RUNTIME_FORBIDDEN_EXPORT',
  FORBIDDEN_FEATURE: 'ERR_RUNTIME_FORBIDDEN_FEATURE',
  INVALID_MODULE: 'ERR_RUNTIME_INVALID_MODULE',
  // execution (one call)
  OUT_OF_GAS: 'ERR_RUNTIME_OUT_OF_GAS',
  STACK_OVERFLOW: 'ERR_RUNTIME_STACK_OVERFLOW',
  TRAP: 'ERR_RUNTIME_TRAP',
  ABORT: 'ERR_RUNTIME_ABORT',
  REVERT: 'ERR_RUNTIME_REVERT',
  MEMORY_OUT_OF_BOUNDS: 'ERR_RUNTIME_HOST_MEMORY_OUT_OF_BOUNDS',
  HOST_ARGUMENT: 'ERR_RUNTIME_HOST_ARGUMENT',
  UNKNOWN_METHOD: 'ERR_RUNTIME_UNKNOWN_METHOD',
  NO_CODE: 'ERR_RUNTIME_NO_CODE',
  INSUFFICIENT_BALANCE: 'ERR_RUNTIME_INSUFFICIENT_BALANCE',
  STATE: 'ERR_RUNTIME_STATE',
} as const;
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** Base of every error raised by @keel/runtime. */
export class RuntimeError extends KeelError {
  declare readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'RuntimeError';
  }
}

/** Where in a module a validation error was found. */
export interface ModuleLocation {
  /** Section name (`type`, `import`, `code`, ...) or `header`. */
  section?: string;
  /** Index of the function (in the module's function index space) being decoded. */
  funcIndex?: number;
  /** Byte offset into the module. */
  offset?: number;
}

/** A module was rejected at deploy time. */
export class ModuleValidationError extends RuntimeError {
  readonly location: ModuleLocation;
  constructor(code: RuntimeErrorCode, message: string, location: ModuleLocation = {}) {
    super(code, `${message}${formatLocation(location)}`, { ...location });
    this.name = 'ModuleValidationError';
    this.location = location;
  }
}

function formatLocation(l: ModuleLocation): string {
  const parts: string[] = [];
  if (l.section !== undefined) parts.push(`${l.section} section`);
  if (l.funcIndex !== undefined) parts.push(`function ${l.funcIndex}`);
  if (l.offset !== undefined) parts.push(`offset ${l.offset}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * Ends one call frame. Thrown inside host functions and re-thrown through WebAssembly, then
 * caught by the runtime and turned into an `ExecutionResult`; never escapes `execute`.
 */
export class ExecutionError extends RuntimeError {
  constructor(code: RuntimeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ExecutionError';
  }
}
