/** @keel/evm — public API (explicit named exports only). */
export { EvmError, EvmErrorCode } from './errors.ts';
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
