import { type ErrorMeta, KeelError } from '@keel/util';

/** Why a verification key, proof or public-signal list was refused before any pairing. */
export const ZkErrorCode = {
  MALFORMED: 'ERR_ZK_MALFORMED',
  NOT_CANONICAL: 'ERR_ZK_NOT_CANONICAL',
  NOT_ON_CURVE: 'ERR_ZK_NOT_ON_CURVE',
  NOT_IN_SUBGROUP: 'ERR_ZK_NOT_IN_SUBGROUP',
  WRONG_LENGTH: 'ERR_ZK_WRONG_LENGTH',
  PUBLIC_INPUT_RANGE: 'ERR_ZK_PUBLIC_INPUT_RANGE',
  UNSUPPORTED: 'ERR_ZK_UNSUPPORTED',
} as const;
export type ZkErrorCode = (typeof ZkErrorCode)[keyof typeof ZkErrorCode];

export class ZkError extends KeelError {
  constructor(code: ZkErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ZkError';
  }
}
