// @keel/bitcoin-node: Bitcoin chain manager and historical block replay over @keel/bitcoin-store.
export {
  type BlockAcceptResult,
  type ChainListener,
  ChainManager,
  type ChainManagerOptions,
  type HeaderAcceptResult,
} from './chain/chainManager.ts';
export { NodeError, NodeErrorCode } from './chain/errors.ts';
export {
  CHECKPOINTS_HEADER,
  type Checkpoint,
  type CheckpointFile,
  CheckpointMismatchError,
  checkpointFileHeader,
  formatCheckpoint,
  parseCheckpoints,
  verifyCheckpoint,
} from './checkpoints.ts';
export {
  type AcceptResult,
  type ChainTip,
  defaultMempoolPolicy,
  Mempool,
  MempoolCore,
  type MempoolEntry,
  type MempoolInfo,
  type MempoolPolicy,
  type MempoolUtxoSource,
  PolicyMempool,
  policyMempoolFromChain,
} from './mempool/index.ts';
export { type ErlayOptions, ErlayRelay, type ErlayStats } from './node/erlayRelay.ts';
export {
  BitcoinNode,
  type BitcoinNodeOptions,
  defaultRpcPorts,
  networkDataDir,
} from './node/node.ts';
export { P2P_LIMITS, PeerManager, type PeerManagerOptions } from './node/peerManager.ts';
export { createCoinbase, createTemplate, mineBlock } from './node/template.ts';
export {
  NodeTemplateProvider,
  type NodeTemplateProviderOptions,
} from './node/templateProvider.ts';
export {
  type NodeMempool,
  type PoolAcceptResult,
  type PoolEntry,
  TxPool,
} from './node/txPool.ts';
export { RegtestKeys } from './regtest/index.ts';
export {
  currentCheckpoint,
  ReorgTooDeepError,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySummary,
  replay,
} from './replay.ts';
export type { NetControl, RpcContext, RpcPeerInfo } from './rpc/context.ts';
export { RpcError, RpcErrorCode } from './rpc/errors.ts';
export {
  allMethods,
  COOKIE_FILE,
  COOKIE_USER,
  RpcServer,
  type RpcServerOptions,
} from './rpc/server.ts';
