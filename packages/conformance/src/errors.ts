import { KeelError } from '@keel/util';

/** A case's expectation did not hold. */
export class CaseFailure extends KeelError {
  constructor(message: string) {
    super('ERR_CONFORMANCE_CASE', message);
    this.name = 'CaseFailure';
  }
}

/** The suite itself could not run as declared (missing folder, undeclared file, bad variant). */
export class SuiteSetupError extends KeelError {
  constructor(message: string, meta: Record<string, unknown> = {}) {
    super('ERR_CONFORMANCE_SETUP', message, meta);
    this.name = 'SuiteSetupError';
  }
}
