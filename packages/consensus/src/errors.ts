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
  /** An App reported a validator list for a new epoch that breaks the epoch rules. */
  INVALID_EPOCH_SET: 'ERR_CONSENSUS_INVALID_EPOCH_SET',
  /** Evidence whose fields are missing or of the wrong type/length. */
  EVIDENCE_MALFORMED: 'ERR_CONSENSUS_EVIDENCE_MALFORMED',
  /** Both halves of the evidence name the same block: no conflict. */
  EVIDENCE_SAME_MESSAGE: 'ERR_CONSENSUS_EVIDENCE_SAME_MESSAGE',
  /** The accused index is not a bonded validator of the evidence's epoch. */
  EVIDENCE_UNKNOWN_VALIDATOR: 'ERR_CONSENSUS_EVIDENCE_UNKNOWN_VALIDATOR',
  /** A signature does not verify under the accused validator's key for the stated view. */
  EVIDENCE_BAD_SIGNATURE: 'ERR_CONSENSUS_EVIDENCE_BAD_SIGNATURE',
  /** The evidence's epoch set is not known to the verifier (too old or in the future). */
  EVIDENCE_UNKNOWN_EPOCH: 'ERR_CONSENSUS_EVIDENCE_UNKNOWN_EPOCH',
  /** The offence is older than the unbonding period: the stake is no longer slashable. */
  EVIDENCE_EXPIRED: 'ERR_CONSENSUS_EVIDENCE_EXPIRED',
} as const;
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

export class ConsensusError extends KeelError {
  constructor(code: ConsensusErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'ConsensusError';
  }
}
