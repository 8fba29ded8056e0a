export const ROLLUP_NODE_VERSION = '0.1.0';
export { type BatchRecord, L2Chain } from './chain.ts';
export {
  parseRollupConfig,
  type RollupConfig,
  readRollupConfig,
  writeRollupConfig,
} from './config.ts';
export { RollupNodeError, RollupNodeErrorCode } from './errors.ts';
export { BatchPoster, L1Client, type SubmittedBatch } from './l1.ts';
export {
  type BatchStats,
  type BatchSubmitter,
  type L1Reader,
  RollupNode,
  type RollupNodeOptions,
} from './node.ts';
export { RollupRpcServer } from './rpc.ts';
export { type WalRecord, WriteAheadLog } from './wal.ts';
