/** @keel/evm — public API (explicit named exports only). */
export {
  type ApplyBlockOptions,
  type ApplyBlockResult,
  applyBlock,
  BEACON_ROOTS_ADDRESS,
  SYSTEM_ADDRESS,
} from './block/applyBlock.ts';
export {
  type Block,
  type BlockLimits,
  blockFromRLP,
  decodeBlock,
  encodeBlock,
} from './block/block.ts';
export { Blockchain, type BlockchainOptions } from './block/blockchain.ts';
export { addToBloom, logsBloom } from './block/bloom.ts';
export {
  type BlockFork,
  type ChainConfig,
  chainConfigForTestNetwork,
  forkAt,
} from './block/chainConfig.ts';
export { calcBaseFee, isValidGasLimit } from './block/eip1559.ts';
export { calcExcessBlobGas } from './block/eip4844.ts';
export {
  type BlockHeader,
  decodeHeader,
  encodeHeader,
  headerFromRLP,
  headerHash,
  headerToRLP,
} from './block/header.ts';
export { encodeReceipt, type Receipt } from './block/receipt.ts';
export { receiptsRoot, transactionsRoot, withdrawalsRoot } from './block/roots.ts';
export { EMPTY_OMMERS_HASH, validateHeader } from './block/validateHeader.ts';
export { GWEI, type Withdrawal } from './block/withdrawal.ts';
export { EvmError, EvmErrorCode } from './errors.ts';
export { blobBaseFee, CANCUN, type ForkParams, fakeExponential, SHANGHAI } from './params.ts';
export {
  getPrecompile,
  PRECOMPILE_ADDRESSES,
  type Precompile,
  type PrecompileContext,
  type PrecompileResult,
} from './precompiles/index.ts';
export {
  bigintToRLPBytes,
  decodeRLP,
  defaultRLPLimits,
  encodeRLP,
  type RLPInput,
  type RLPLimits,
  type RLPValue,
  rlpBytes,
  rlpBytesToBigint,
  rlpList,
} from './rlp/index.ts';
export {
  createMemoryWorldState,
  EMPTY_CODE_HASH,
  type MemoryWorldState,
} from './state/memoryState.ts';
export type { AccountHeader, AccountInit, WorldState } from './state/types.ts';
export { StepError, StepErrorCode } from './step/errors.ts';
export {
  createStepWitness,
  decodeStepWitness,
  encodeStepWitness,
  type StepOnceOptions,
  type StepWitness,
  stepOnce,
  verifyStep,
} from './step/stepOnce.ts';
export { STEP_DESCRIBE_GAS, STEP_VERIFY_GAS, stepPrecompile } from './step/stepPrecompile.ts';
export {
  createTxStepper,
  STEP_STATE_VERSION,
  StepPhase,
  stepStaticOf,
  TxStepper,
  type TxStepperOptions,
} from './step/stepper.ts';
export {
  commitmentOf,
  decodeStepState,
  encodeStatic,
  encodeStepState,
  type StepState,
  type StepStatic,
} from './step/stepState.ts';
export {
  EMPTY_TRIE_ROOT,
  MemoryTrieNodeStore,
  MerklePatriciaTrie,
  type MerklePatriciaTrieOptions,
  type TrieNodeStore,
  type TrieProofLimits,
  trieRoot,
  verifyProof,
} from './trie/index.ts';
export {
  type BlobTxNetworkForm,
  decodeBlobTxNetworkForm,
  decodeTransaction,
  encodeBlobTxNetworkForm,
  encodeTransaction,
  intrinsicGas,
  legacyChainId,
  publicKeyToAddress,
  recoverSender,
  SECP256K1_N,
  signatureYParity,
  signingHash,
  TxValidationReason,
  txHash,
  type ValidateTransactionOptions,
  validateTransaction,
} from './tx/index.ts';
export type {
  AccessList,
  AccessListEntry,
  AccessListTx,
  Address,
  BlobTx,
  FeeMarketTx,
  LegacyTx,
  Transaction,
  TxType,
} from './tx/types.ts';
export { create2Address, createAddress, runTx, systemCall } from './vm/index.ts';
export {
  type BlockEnv,
  InvalidTxReason,
  type InvalidTxResult,
  type Log,
  type RunTxOptions,
  type RunTxResult,
  type SystemCallResult,
  type TxResult,
  type VmOptions,
} from './vm/types.ts';
