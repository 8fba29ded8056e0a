import { type ErrorMeta, KeelError } from '@keel/util';

export const ConsensusErrorCode = {
  INVALID_CONFIG: 'ERR_CONSENSUS_INVALID_CONFIG',
  INVALID_VALIDATOR_SET: 'ERR_CONSENSUS_INVALID_VALIDATOR_SET',
  INVALID_BITMAP: 'ERR_CONSENSUS_INVALID_BITMAP',
  /** A commit would replace an already-committed block: finalized history would be rewritten. */
  FINALITY_VIOLATION: 'ERR_CONSENSUS_FINALITY_VIOLATION',
  /** The certified head moved to a fork deeper than `reorgDepthLimit`. */
  REORG_TOO_DEEP: 'ERR_CONSENSUS_REORG_TOO_DEEP',
  HALTED: 'ERR_CONSENSUS_HALTED',
  SIM_INVALID_SCENARIO: 'ERR_CONSENSUS_SIM_INVALID_SCENARIO',
} as const;
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

export class ConsensusError extends KeelError {
  constructor(code: ConsensusErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ConsensusError';
  }
}
