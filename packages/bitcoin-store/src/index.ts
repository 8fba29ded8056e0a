// @keel/bitcoin-store: Bitcoin Core block files (blk, xor.dat), block index and a UTXO chainstate with a write-back coin cache and crash-safe flushes.
export { BlockFiles, MAX_BLOCKFILE_SIZE } from './blockFiles.ts';
export { BlockIndex, type BlockIndexEntry, hashHex, headerInfo } from './blockIndex.ts';
export {
  encodeIndexRecord,
  IndexStatus,
  indexOp,
  loadBlockIndex,
} from './blockIndexStore.ts';
export {
  type BlockLocation,
  networkFromMagic,
  RECORD_HEADER_SIZE,
  type ScannedRecord,
  scanRecords,
  xorInPlace,
} from './blockRecords.ts';
export {
  BlockSource,
  type BlockSourceOptions,
  type ScanResult,
  XOR_KEY_FILE,
} from './blockSource.ts';
export {
  type ChainEntry,
  Chainstate,
  type ChainstateOptions,
  DEFAULT_MAX_REORG_DEPTH,
} from './chainstate.ts';
export { CoinCache, decodeCoin, emptyUtxoStats, encodeCoin, type UtxoStats } from './coinCache.ts';
export { BlockFileError, ChainstateError } from './errors.ts';
export { type ChainstateBackend, type ChainstateDb, openChainstateDb } from './kv/db.ts';
export { coinKey, indexKey, Prefix, SCHEMA_VERSION } from './layout.ts';
