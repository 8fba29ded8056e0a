export type { App, ProposeContext } from './app.ts';
export {
  type CertificateContext,
  genesisQC,
  tcHighQCView,
  verifyQC,
  verifyTC,
} from './certificates.ts';
export {
  blockHash,
  type ChainContext,
  proposalSigningMessage,
  qcDigest,
  tcDigest,
  timeoutSigningMessage,
  voteSigningMessage,
} from './encoding.ts';
export {
  candidateEpochs,
  type EpochContext,
  epochForHeight,
  epochOfHeight,
} from './epochs.ts';
export { ConsensusError, ConsensusErrorCode } from './errors.ts';
export {
  type EvidenceContext,
  jailedUntilEpoch,
  slashPenalty,
  verifyEquivocationEvidence,
  verifyEvidence,
} from './evidence.ts';
export { type CreateGenesisParameters, createGenesisBlock } from './genesis.ts';
export {
  createRoundRobinElection,
  createVrfElection,
  genesisSeed,
  type LeaderElection,
  type Vrf,
  weightedSchedule,
} from './leaderElection.ts';
export {
  type ConsensusParams,
  defaultConsensusParams,
  epochConsensusParams,
  simConsensusParams,
  simEpochConsensusParams,
  viewTimeoutMs,
} from './params.ts';
export {
  type SignatureScheme,
  type VerifyMemoOptions,
  withVerifyMemo,
} from './signatureScheme.ts';
export {
  type CommittedAnchor,
  createNodeState,
  type NodeConfig,
  type NodeState,
  type StoredBlock,
} from './state.ts';
export { type StepResult, step } from './step.ts';
export type {
  Block,
  BlockRequestMessage,
  BlockResponseMessage,
  ConsensusEvent,
  ConsensusInput,
  ConsensusMessage,
  ConsensusOutput,
  EquivocationEvidence,
  ProposalMessage,
  QuorumCertificate,
  SafetyState,
  TimeoutCertificate,
  TimeoutMessage,
  VoteMessage,
} from './types.ts';
export {
  type CreateValidatorSetOptions,
  type ValidatorInfo,
  ValidatorSet,
} from './validatorSet.ts';
