// @keel/api: JSON-RPC method schemas (zod), types and a typed HTTP/WebSocket client for the keel chain node.
export {
  createHttpClient,
  type HttpClientOptions,
  type RpcClient,
  RpcError,
  type Subscription,
  subscribe,
  type WebSocketLike,
} from './client.ts';
export {
  ETH_MAX_RAW_TX_BYTES,
  EthAddress,
  EthBlockTag,
  EthCallObject,
  EthHash,
  EthLogFilter,
  type EthMethodName,
  EthRpcErrorCode,
  ethMethodParams,
  ethRpcLimits,
} from './eth.ts';
export {
  Address,
  adminMethods,
  type BlockJson,
  Hash32,
  HexBytes,
  type MethodName,
  type MethodParams,
  type MethodResults,
  methodParams,
  type PeerJson,
  type ReceiptJson,
  RpcErrorCode,
  rpcLimits,
  type StatusJson,
} from './schemas.ts';
