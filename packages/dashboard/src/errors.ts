import { type ErrorMeta, KeelError } from '@keel/util';

/** Stable codes of every error @keel/dashboard throws. */
export const DashboardErrorCode = {
  /** An endpoint flag does not parse (bad URL, empty credentials). */
  INVALID_CONFIG: 'ERR_DASHBOARD_INVALID_CONFIG',
  /** The server could not bind or serve. */
  SERVER: 'ERR_DASHBOARD_SERVER',
} as const;
export type DashboardErrorCode = (typeof DashboardErrorCode)[keyof typeof DashboardErrorCode];

export class DashboardError extends KeelError {
  declare readonly code: DashboardErrorCode;
  constructor(code: DashboardErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'DashboardError';
  }
}
