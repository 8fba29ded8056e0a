// @keel/ledger: the BFT chain's ledger — transactions, accounts, staking, applyBlock through
// @keel/runtime, state commitment with proofs.
export { InvalidTxError, LedgerError, LedgerErrorCode, TxRejectReason } from './errors.ts';
export { type BlobTxParts, isBlobNetworkForm, splitBlobNetworkForm } from './evm/blobs.ts';
export {
  coinbaseOf,
  type EthBlockView,
  type EthReceiptInfo,
  effectiveGasPrice,
  nextBaseFee,
} from './evm/block.ts';
export type { EthCallParameters, EthCallResult } from './evm/call.ts';
export {
  checkEthTxStateless,
  ETH_TX_TAG,
  type EthTx,
  ethMaxCost,
  ethTxHash,
  feeCap,
  isEthTx,
  wrapEthTx,
} from './evm/ethTx.ts';
export {
  type EthBlockJSON,
  type EthReceiptJSON,
  ethBlockToJSON,
  ethReceiptToJSON,
  ethTxToJSON,
  nextBlobBaseFee,
} from './evm/json.ts';
export {
  type EvmHead,
  evmAccountAddress,
  evmAddressOf,
  evmChainIdOf,
  evmHeadOf,
} from './evm/keys.ts';
export { getEvmAccount, getEvmCode, getEvmStorage } from './evm/queries.ts';
export { txSender } from './evm/sender.ts';
export {
  ledgerPrecompiles,
  STEP_DESCRIBE_GAS,
  STEP_PRECOMPILE_ADDRESS,
  STEP_VERIFY_GAS,
  stepPrecompile,
} from './evm/stepPrecompile.ts';
export {
  chunkifyCode,
  EvmStateMode,
  encodeBasicData,
  evmStateModeOf,
  verkleBasicDataKey,
  verkleStorageKey,
} from './evm/verkleKeys.ts';
export {
  buildVerkleTree,
  type VerkleBlockWitness,
  verkleBlockWitness,
  verkleTreeOf,
  verkleTreeStats,
} from './evm/verkleState.ts';
export {
  checkVerkleWitnessJSON,
  type VerkleWitnessVerdict,
  verkleWitnessSummary,
  verkleWitnessToJSON,
} from './evm/verkleWitness.ts';
export { LedgerWorldState } from './evm/worldState.ts';
export {
  chainIdOf,
  createGenesisState,
  type GenesisConfig,
  type GenesisValidator,
} from './genesis.ts';
export {
  loadStateFromStore,
  persistStateWrites,
  STORE_PREFIX,
  stateToKvOps,
  stateWritesToKvOps,
  storeKey,
} from './layout.ts';
export {
  type ApplyBlockOptions,
  type BlockResult,
  type CallContractParameters,
  type CheckTxResult,
  type CreateLedgerOptions,
  contractAddress,
  createLedger,
  Ledger,
} from './ledger.ts';
export {
  defaultLedgerParams,
  defaultTxLimits,
  type LedgerParams,
  type TxLimits,
} from './params.ts';
export {
  getAccount,
  getAccountWithProof,
  getCode,
  getStorage,
  getStorageWithProof,
  type ProvenValue,
  stateRoot,
  verifyStateProof,
} from './queries.ts';
export { type ReceiptJSON, receiptToJSON } from './receiptJson.ts';
export { decodeProof, encodeProof, type StateProof, verifyProof } from './smt/proof.ts';
export {
  defaultSnapshotLimits,
  exportSnapshot,
  importSnapshot,
  SNAPSHOT_MAGIC,
  type SnapshotLimits,
} from './snapshot.ts';
export { type Account, decodeAccount, encodeAccount } from './state/account.ts';
export {
  checkEpochParams,
  defaultEpochParams,
  type EpochParams,
  type EpochValidator,
  type EvidenceVerifier,
  type EvidenceVerifierContext,
  epochOfHeight,
  isSlashed,
  type LedgerEvidence,
  type SlashResult,
  slashAmount,
} from './state/epochs.ts';
export {
  accountKey,
  codeKey,
  epochSetKey,
  StatePrefix,
  storageKey,
  validatorKey,
} from './state/keys.ts';
export { LedgerState, StateOverlay, type StateWrite } from './state/ledgerState.ts';
export { LedgerRuntimeState, LedgerStateBackend } from './state/runtimeState.ts';
export {
  decodeTx,
  encodeTx,
  encodeUnsignedTx,
  MAX_U128,
  TX_SIGNING_DOMAIN,
  TX_VERSION,
  txHash,
  txSigningPayload,
} from './tx/encoding.ts';
export {
  decodeEvidenceTx,
  EVIDENCE_TX_TAG,
  encodeEvidenceTx,
  evidenceTxHash,
  isEvidenceTx,
  MAX_EVIDENCE_TX_BYTES,
} from './tx/evidence.ts';
export {
  decodeTxList,
  defaultTxListLimits,
  encodeTxList,
  type TxListLimits,
  type TxSignatureCheck,
  txSignatureChecks,
} from './tx/list.ts';
export { addressFromSeed, signTx, verifyTxSignature } from './tx/sign.ts';
export {
  type CallBody,
  type DeployBody,
  type SignedTx,
  type StakeBody,
  type TransferBody,
  type TxBody,
  TxKind,
  type TxKindName,
  type UnsignedTx,
  type UnstakeBody,
} from './tx/types.ts';
export type { LedgerBlockContext, Receipt, ReceiptStatus } from './types.ts';
export { MAX_TOTAL_POWER, type ValidatorRecord } from './validators.ts';
