export {
  type CompactCodecLimits,
  decodeBlockTxn,
  decodeCmpctBlock,
  decodeGetBlockTxn,
  defaultCompactCodecLimits,
  encodeBlockTxn,
  encodeCmpctBlock,
  encodeGetBlockTxn,
  MAX_COMPACT_INDEX,
  MAX_COMPACT_PAYLOAD,
  SHORT_ID_LENGTH,
} from './codec.ts';
export {
  type CreateCompactBlockParameters,
  createCompactBlock,
  type PrefillPolicy,
} from './createCompactBlock.ts';
export { DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN, ExtraTxnPool } from './extraTxnPool.ts';
export {
  type HighBandwidthChange,
  HighBandwidthPeers,
  MAX_HIGH_BANDWIDTH_PEERS,
} from './highBandwidth.ts';
export { blockMutationReason } from './mutated.ts';
export {
  type CompactTxEntry,
  type CompactTxSource,
  type InitCompactBlockParameters,
  isReconstructFailure,
  PartiallyDownloadedBlock,
  type ReconstructFailure,
} from './reconstruct.ts';
export { MAX_BLOCKTXN_DEPTH, serveGetBlockTxn } from './serve.ts';
export { shortId, shortIdKey } from './shortIds.ts';
export type {
  BlockTxn,
  CmpctBlock,
  CompactVersion,
  GetBlockTxn,
  PrefilledTransaction,
} from './types.ts';
