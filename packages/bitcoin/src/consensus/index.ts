export { blockScriptFlags } from './blockFlags.ts';
export {
  type ChainView,
  createArrayChainView,
  type HeaderInfo,
  MEDIAN_TIME_SPAN,
  medianTimePast,
} from './chain.ts';
export { type CheckBlockOptions, checkBlock, checkBlockHeader } from './checkBlock.ts';
export {
  type Coin,
  CoinOverwriteError,
  type CoinView,
  MemoryCoinView,
  outpointKey,
} from './coins.ts';
export {
  BIP34_IMPLIES_BIP30_LIMIT,
  type ConnectBlockContext,
  type ConnectBlockResult,
  connectBlock,
  type DisconnectResult,
  disconnectBlock,
  type ScriptCheckJob,
} from './connectBlock.ts';
export {
  bip34HeightPrefix,
  type ContextualBlockOptions,
  contextualCheckBlock,
  contextualCheckBlockHeader,
  isFinalTx,
  LOCKTIME_THRESHOLD,
  lockTimeCutoff,
  MAX_FUTURE_BLOCK_TIME,
  MAX_TIMEWARP,
} from './contextual.ts';
export {
  coinHashBytes,
  MUHASH_PRIME,
  MuHash3072,
  muhashElement,
  NUM3072_BYTES,
} from './muhash.ts';
export {
  type ConsensusParams,
  createGenesisBlock,
  difficultyAdjustmentInterval,
  type ExceptionFlag,
  hashFromHex,
  isNetworkName,
  type NetworkName,
  networks,
} from './params.ts';
export {
  blockWork,
  type CompactTarget,
  calculateNextWorkRequired,
  checkProofOfWork,
  compactToTarget,
  nextWorkRequired,
  targetFromBits,
  targetToCompact,
} from './pow.ts';
export { runScriptCheck, runScriptChecks, scriptFailureReason } from './scriptChecks.ts';
export {
  calculateSequenceLocks,
  evaluateSequenceLocks,
  SEQUENCE_LOCKTIME_DISABLE_FLAG,
  SEQUENCE_LOCKTIME_GRANULARITY,
  SEQUENCE_LOCKTIME_MASK,
  SEQUENCE_LOCKTIME_TYPE_FLAG,
  type SequenceLock,
} from './sequenceLocks.ts';
export {
  checkSignetBlockSolution,
  SIGNET_HEADER,
  SIGNET_SCRIPT_FLAGS,
  type SignetTransactions,
  signetMessageStart,
  signetTransactions,
} from './signet.ts';
export { blockSubsidy, COIN, COINBASE_MATURITY, moneyRange } from './subsidy.ts';
export { checkTxInputs } from './txInputs.ts';
export {
  type BlockUndo,
  compressAmount,
  decodeBlockUndo,
  decompressAmount,
  encodeBlockUndo,
  type TxUndo,
} from './undo.ts';
export {
  type BlockValidationOptions,
  type PreparedBlock,
  prepareBlock,
  undoPrepared,
  validateBlock,
} from './validateBlock.ts';
export { fail, OK, type RuleFailure, type Verdict } from './verdict.ts';
export { blockWeight, strippedSize } from './weight.ts';
export { checkWitnessCommitment, witnessCommitmentIndex, witnessMerkleRoot } from './witness.ts';
