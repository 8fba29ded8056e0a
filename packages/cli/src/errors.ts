import { type ErrorMeta, KeelError } from '@keel/util';

/** A usage or configuration problem the user can fix; printed without a stack trace. */
export class CliError extends KeelError {
  readonly exitCode: number;
  constructor(message: string, meta: ErrorMeta = {}, exitCode = 2) {
    super('ERR_CLI', message, meta);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
