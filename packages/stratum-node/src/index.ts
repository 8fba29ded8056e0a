// @keel/stratum-node: Stratum V2 pool, miner, template sources, SV1 translation and merge-mining coordinator.
export {
  createIdentity,
  loadOrCreateAuthority,
  type PoolIdentity,
  parseAuthorityKeyArg,
} from './authority.ts';
export { StratumNodeError, StratumNodeErrorCode } from './errors.ts';
export {
  type JdcTemplateSource,
  JobDeclaratorClient,
  type JobDeclaratorClientOptions,
} from './jd/client.ts';
export {
  JdError,
  type JdMempool,
  JobDeclaratorServer,
  type JobDeclaratorServerOptions,
} from './jd/server.ts';
export {
  type AuxChainConfig,
  type AuxChainStats,
  type AuxContext,
  MergeMiningCoordinator,
  type MergeMiningOptions,
  parseAuxBlock,
} from './merge/coordinator.ts';
export { Miner, type MinerOptions, type MinerStats } from './miner/miner.ts';
export { JsonRpcClient, type JsonRpcOptions } from './net/jsonRpc.ts';
export {
  acceptNoise,
  type ConnectionHandlers,
  connectNoise,
  Sv2Connection,
} from './net/noiseConnection.ts';
export { StatsServer } from './pool/http.ts';
export { EXTENDED_PREFIX_LENGTH, EXTRANONCE_LENGTH } from './pool/jobs.ts';
export {
  type BlockEvent,
  type CustomJobAuthority,
  Pool,
  type PoolOptions,
  type ShareEvent,
} from './pool/pool.ts';
export type { Channel, Downstream, PoolSession } from './pool/session.ts';
export type { PoolSnapshot, WorkerStats } from './pool/stats.ts';
export {
  type ForwardedShare,
  PoolUpstream,
  type PoolUpstreamOptions,
  templateFromExtendedJob,
} from './proxy/poolUpstream.ts';
export { MiningProxy, type MiningProxyOptions } from './proxy/proxy.ts';
export { SplitChannelBackend } from './proxy/translator.ts';
export {
  type LocalChannel,
  type LocalChannelListener,
  type UpstreamAddress,
  UpstreamChannel,
  type UpstreamChannelOptions,
} from './proxy/upstream.ts';
export {
  type Sv1Backend,
  type Sv1BackendSession,
  type Sv1Channel,
  Sv1Server,
  type Sv1ServerOptions,
  sv1Difficulty,
  sv1PrevHash,
} from './sv1/server.ts';
export {
  type BlockTemplateResult,
  type GbtSourceOptions,
  GbtTemplateSource,
  parseBlockTemplate,
} from './template/gbt.ts';
export {
  type RegtestBlockRecord,
  type RegtestSourceOptions,
  RegtestTemplateSource,
} from './template/regtest.ts';
export {
  TdpServer,
  type TdpServerOptions,
  type TdpSourceOptions,
  TdpTemplateSource,
  type TransactionDataSource,
} from './template/tdp.ts';
