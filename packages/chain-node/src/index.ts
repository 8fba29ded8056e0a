// @keel/chain-node: A node of the keel BFT chain: storage, mempool, libp2p networking, sync, peer manager, JSON-RPC, metrics, devnet.
import './polyfill.ts';

export { LedgerApp, type LedgerAppOptions } from './app/ledgerApp.ts';
export { decodePayload, encodePayload, type Payload } from './app/payload.ts';
export { createBlobMetrics } from './blobs/metrics.ts';
export {
  type BlobAdmission,
  BlobPool,
  type BlobPoolOptions,
  type BlobSidecar,
  checkBlobPoolOptions,
  defaultBlobPoolOptions,
  kzgToVersionedHash,
  verifySidecar,
} from './blobs/pool.ts';
export {
  BlobStore,
  DEFAULT_BLOB_RETENTION_BLOCKS,
  decodeRecord,
  encodeRecord,
  sidecarToJSON,
} from './blobs/store.ts';
export {
  Devnet,
  type DevnetNode,
  type DevnetOptions,
  type DevnetSummary,
  freeLoopbackPort,
} from './devnet/devnet.ts';
export {
  type InitGenesisParameters,
  type InitGenesisResult,
  initGenesis,
  peerIdOfNodeKey,
} from './devnet/init.ts';
export { LoadGenerator } from './devnet/load.ts';
export { ChainNodeError, ChainNodeErrorCode } from './errors.ts';
export {
  accountFromSeed,
  decryptKeys,
  deriveValidatorKeys,
  encryptKeys,
  type Genesis,
  type GenesisFile,
  genesisValidator,
  loadGenesis,
  parseGenesisFile,
  type ValidatorKeys,
} from './genesis.ts';
export {
  defaultMempoolOptions,
  Mempool,
  type MempoolOptions,
  type MempoolTx,
  type SenderAccount,
} from './mempool/mempool.ts';
export { createNodeMetrics, type NodeMetrics } from './metrics.ts';
export {
  type CodecLimits,
  decodeBlock,
  decodeConsensusMessage,
  defaultCodecLimits,
  encodeBlock,
  encodeConsensusMessage,
} from './net/codec.ts';
export { decodeHello, encodeHello, type Hello } from './net/hello.ts';
export { inputPenalty, Network } from './net/network.ts';
export { defaultPeerManagerOptions, PeerManager, Penalty } from './net/peers.ts';
export { ChainNode, type ChainNodeOptions } from './node.ts';
export { CLIENT_VERSION, EthRpc, SUGGESTED_PRIORITY_FEE } from './rpc/eth/handlers.ts';
export { RpcServer } from './rpc/server.ts';
export {
  createSnapshot,
  listSnapshots,
  loadSnapshot,
  type SnapshotMeta,
} from './snapshot.ts';
export { layout } from './storage/layout.ts';
export { ChainStore, type StoredReceipt } from './storage/store.ts';
export {
  type BlockBlobTx,
  blockBlobTxs,
  checkSidecars,
  decodeSidecarResponse,
  encodeSidecarRequest,
  encodeSidecarResponse,
  MAX_SIDECAR_RESPONSE_BYTES,
  type SidecarResponse,
  SidecarSync,
  SidecarSyncError,
  type SidecarSyncOptions,
} from './sync/sidecars.ts';
export { agreedPrefix, defaultSyncOptions, SyncService } from './sync/sync.ts';
