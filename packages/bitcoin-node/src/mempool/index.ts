export {
  type AcceptAccepted,
  type AcceptContext,
  type AcceptRejected,
  type AcceptResult,
  acceptTransaction,
  type ChainTip,
  MEMPOOL_HEIGHT,
  type RejectKind,
} from './accept.ts';
export { type BlockConnectedResult, MempoolCore, type MempoolCoreOptions } from './core.ts';
export type { MempoolEntry, RemovalReason } from './entry.ts';
export {
  Mempool,
  type MempoolInfo,
  type MempoolOptions,
  type MempoolUtxoSource,
} from './mempool.ts';
export {
  PolicyMempool,
  type PolicyMempoolOptions,
  policyMempoolFromChain,
} from './nodeMempool.ts';
export { type Orphan, OrphanPool } from './orphans.ts';
export {
  DEFAULT_INCREMENTAL_RELAY_FEE,
  DEFAULT_MAX_MEMPOOL_SIZE_MB,
  DEFAULT_MEMPOOL_EXPIRY_HOURS,
  DEFAULT_MIN_RELAY_TX_FEE,
  DUST_RELAY_TX_FEE,
  defaultMempoolPolicy,
  type FeeRatePerKvB,
  feeFor,
  feeRateOf,
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  MAX_OP_RETURN_RELAY,
  MAX_STANDARD_TX_WEIGHT,
  type MempoolPolicy,
  STANDARD_SCRIPT_VERIFY_FLAGS,
  virtualSize,
} from './policy.ts';
export { MempoolState, type RemovedEntry } from './pool.ts';
export { solve, type TxoutType } from './solver.ts';
export {
  areInputsStandard,
  dustThreshold,
  isDust,
  isStandardTx,
  isWitnessStandard,
} from './standard.ts';
