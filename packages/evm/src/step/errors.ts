import { type ErrorMeta, KeelError } from '@keel/util';

/** Stable codes of the step machine's errors (stateless `stepOnce` and its inputs). */
export const StepErrorCode = {
  /** A step state or witness whose bytes do not decode into the documented format. */
  DECODE: 'ERR_STEP_DECODE',
  /** The witness lacks a trie node, a code or the block hashes the step reads. */
  WITNESS: 'ERR_STEP_WITNESS',
  /** The pre-state does not hash to the commitment it was offered for. */
  PRE_MISMATCH: 'ERR_STEP_PRE_MISMATCH',
  /** A caller asked for something the machine cannot give in its current state. */
  INVALID_ARGUMENT: 'ERR_STEP_INVALID_ARGUMENT',
} as const;
export type StepErrorCode = (typeof StepErrorCode)[keyof typeof StepErrorCode];

export class StepError extends KeelError {
  declare readonly code: StepErrorCode;
  constructor(code: StepErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'StepError';
  }
}
