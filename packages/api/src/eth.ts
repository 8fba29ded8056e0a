import { z } from 'zod';

/**
 * The Ethereum JSON-RPC methods a keel chain node serves (execution-apis names, positional
 * params). Quantities are 0x-hex without leading zeros, data is 0x-hex bytes.
 */
const Quantity = z
  .string()
  .regex(
    /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})$/,
    'expected a 0x-hex quantity without leading zeros',
  );
const Data = (maxBytes: number) =>
  z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-hex bytes')
    .refine((s) => s.length <= 2 + 2 * maxBytes, `over ${maxBytes} bytes`);
export const EthAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte 0x address');
export const EthHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x hash');
export const EthBlockTag = z.union([
  z.enum(['latest', 'earliest', 'pending', 'safe', 'finalized']),
  Quantity,
]);
/**
 * Largest raw transaction accepted by eth_sendRawTransaction: a blob transaction's network
 * form with 6 blobs (EIP-4844's per-block maximum, ~788 KB) fits, and the node's 4 MiB request
 * limit holds its hex; the ledger's own limit for the canonical form is 600 KiB.
 */
export const ETH_MAX_RAW_TX_BYTES = 1024 * 1024;

export const EthCallObject = z.object({
  from: EthAddress.optional(),
  to: EthAddress.nullable().optional(),
  gas: Quantity.optional(),
  gasPrice: Quantity.optional(),
  maxFeePerGas: Quantity.optional(),
  maxPriorityFeePerGas: Quantity.optional(),
  value: Quantity.optional(),
  data: Data(ETH_MAX_RAW_TX_BYTES).optional(),
  input: Data(ETH_MAX_RAW_TX_BYTES).optional(),
  nonce: Quantity.optional(),
});
export type EthCallObject = z.infer<typeof EthCallObject>;

const Topic = z.union([EthHash, z.null(), z.array(EthHash.nullable()).max(16)]);
export const EthLogFilter = z.object({
  fromBlock: EthBlockTag.optional(),
  toBlock: EthBlockTag.optional(),
  blockHash: EthHash.optional(),
  address: z.union([EthAddress, z.array(EthAddress).max(64)]).optional(),
  topics: z.array(Topic).max(4).optional(),
});
export type EthLogFilter = z.infer<typeof EthLogFilter>;

const none = z.tuple([]);
export const ethMethodParams = {
  eth_chainId: none,
  eth_accounts: none,
  net_version: none,
  web3_clientVersion: none,
  eth_blockNumber: none,
  eth_gasPrice: none,
  eth_maxPriorityFeePerGas: none,
  eth_blobBaseFee: none,
  eth_getBlockByNumber: z.tuple([EthBlockTag, z.boolean().optional()]),
  eth_getBlockByHash: z.tuple([EthHash, z.boolean().optional()]),
  eth_getBalance: z.tuple([EthAddress, EthBlockTag.optional()]),
  eth_getTransactionCount: z.tuple([EthAddress, EthBlockTag.optional()]),
  eth_getCode: z.tuple([EthAddress, EthBlockTag.optional()]),
  eth_getStorageAt: z.tuple([EthAddress, Quantity.or(EthHash), EthBlockTag.optional()]),
  eth_call: z.tuple([EthCallObject, EthBlockTag.optional()]),
  eth_estimateGas: z.tuple([EthCallObject, EthBlockTag.optional()]),
  eth_feeHistory: z.tuple([
    Quantity.or(z.number().int().min(1).max(1024)),
    EthBlockTag,
    z.array(z.number().min(0).max(100)).max(100).optional(),
  ]),
  eth_sendRawTransaction: z.tuple([Data(ETH_MAX_RAW_TX_BYTES)]),
  eth_getTransactionByHash: z.tuple([EthHash]),
  eth_getTransactionReceipt: z.tuple([EthHash]),
  eth_getLogs: z.tuple([EthLogFilter]),
  eth_subscribe: z.union([
    z.tuple([z.literal('newHeads')]),
    z.tuple([z.literal('logs'), EthLogFilter.optional()]),
  ]),
  eth_unsubscribe: z.tuple([z.string().max(66)]),
  eth_newFilter: z.tuple([EthLogFilter]),
  eth_newBlockFilter: none,
  eth_newPendingTransactionFilter: none,
  eth_getFilterChanges: z.tuple([Quantity]),
  eth_getFilterLogs: z.tuple([Quantity]),
  eth_uninstallFilter: z.tuple([Quantity]),
  eth_syncing: none,
  /** keel: the stored blob sidecars of a block (within the retention window). */
  blobSidecars: z.tuple([z.union([EthBlockTag, EthHash])]),
} as const;

export type EthMethodName = keyof typeof ethMethodParams;

/** Ethereum JSON-RPC error codes (EIP-1474 and geth's conventions). */
export const EthRpcErrorCode = {
  INVALID_PARAMS: -32602,
  /** Server error: transaction rejected, state not available, limits. */
  SERVER: -32000,
  /** Resource not found (e.g. an unknown block in a range query). */
  RESOURCE_NOT_FOUND: -32001,
  /** eth_call / eth_estimateGas reverted; `data` holds the revert data. */
  EXECUTION_REVERTED: 3,
} as const;

/** Bounds of eth_getLogs and eth_feeHistory. */
export const ethRpcLimits = {
  maxLogBlockRange: 10_000,
  maxLogs: 10_000,
  maxFeeHistoryBlocks: 1024,
  maxSubscriptions: 1000,
  /** Installed eth_newFilter/eth_newBlockFilter/eth_newPendingTransactionFilter filters. */
  maxFilters: 1000,
} as const;
