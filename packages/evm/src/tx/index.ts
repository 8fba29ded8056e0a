export {
  type BlobTxNetworkForm,
  decodeBlobTxNetworkForm,
  encodeBlobTxNetworkForm,
} from './blobNetworkForm.ts';
export { decodeTransaction, encodeTransaction } from './codec.ts';
export { legacyChainId, signingHash, txHash } from './hash.ts';
export { intrinsicGas } from './intrinsicGas.ts';
export { publicKeyToAddress, recoverSender, SECP256K1_N, signatureYParity } from './sender.ts';
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
} from './types.ts';
export {
  TxValidationReason,
  type ValidateTransactionOptions,
  validateTransaction,
} from './validate.ts';
