export {
  BLOB_BYTES,
  BLOB_PAYLOAD_BYTES,
  blobsNeeded,
  maxBlobData,
  packBlobs,
  unpackBlobs,
} from './batch/blob.ts';
export {
  decodeBatch,
  encodeBatch,
  encodeBatchBody,
  l2BlockFromRLP,
  l2BlockToRLP,
} from './batch/codec.ts';
export { aliasAddress, DEPOSIT_TOPIC, depositFromLog } from './bridge/deposits.ts';
export {
  MESSAGE_PASSED_TOPIC,
  outputRoot,
  rootFromProof,
  verifyWithdrawalProof,
  withdrawalFromLog,
  withdrawalHash,
  withdrawalProof,
  withdrawalRoot,
} from './bridge/withdrawals.ts';
export { ROLLUP_CONTRACTS } from './contracts/artifacts.ts';
export {
  applyBatch,
  type ChainView,
  type DeriveResult,
  deriveBatch,
  type PostedBatch,
  SkipReason,
} from './derive/derive.ts';
export {
  checkL2Tx,
  createL2Genesis,
  type ExecutedBlock,
  executeL2Block,
  L2BlockBuilder,
  type L2Header,
  type L2Receipt,
  l2BlockHash,
  type TxRejection,
} from './derive/execute.ts';
export { RollupError, RollupErrorCode } from './errors.ts';
export { BatchTrace, type TraceTx } from './fraud/trace.ts';
export {
  ALIAS_OFFSET,
  BATCH_VERSION,
  type BatchLimits,
  DEPOSIT_CALL_GAS,
  defaultBatchLimits,
  defaultL2ChainParams,
  L2_BRIDGE_ADDRESS,
  type L2ChainParams,
  MAX_MESSAGE_DATA,
  WITHDRAWAL_TREE_DEPTH,
} from './params.ts';
export {
  type AuctionTimes,
  bidCommitment,
  type RevealedBid,
  SealedBidAuction,
} from './sequencer/auction.ts';
export {
  effectiveTip,
  keepNonceOrder,
  OrderingMode,
  orderFair,
  orderFifo,
  orderPriority,
  type PendingTx,
} from './sequencer/ordering.ts';
export type { Batch, Deposit, L2BlockData, WithdrawalMessage } from './types.ts';
export {
  type FflonkProof,
  type FflonkVerificationKey,
  type Groth16Proof,
  type Groth16VerificationKey,
  groth16ProofWords,
  groth16VerifierAbi,
  groth16VerifierBytecode,
  groth16VerifierDeployData,
  groth16VerifierKeyWords,
  type PlonkProof,
  type PlonkVerificationKey,
  parseFflonkProof,
  parseFflonkVerificationKey,
  parseGroth16Proof,
  parseGroth16VerificationKey,
  parsePlonkProof,
  parsePlonkVerificationKey,
  verifyFflonk,
  verifyGroth16,
  verifyPlonk,
  ZkError,
  ZkErrorCode,
} from './zk/index.ts';
