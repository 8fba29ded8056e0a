import { z } from 'zod';

const hex = (bytes?: number) =>
  z
    .string()
    .regex(
      bytes === undefined
        ? /^(0x)?([0-9a-fA-F]{2})*$/
        : new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`),
      bytes === undefined ? 'expected hex bytes' : `expected ${bytes} bytes of hex`,
    )
    .transform((s) => (s.startsWith('0x') ? s.slice(2) : s).toLowerCase());

export const Hash32 = hex(32);
/** An account address: the owner's 32-byte ed25519 public key (the ledger's rule). */
export const Address = hex(32);
export const HexBytes = hex();
const Height = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Params of every method (positional arrays are accepted as `[object]` too). */
export const methodParams = {
  chain_getBlockByHeight: z.object({ height: Height, raw: z.boolean().optional() }).strict(),
  chain_getBlockByHash: z.object({ hash: Hash32 }).strict(),
  chain_getFinalized: z.object({}).strict(),
  chain_getTransaction: z.object({ hash: Hash32 }).strict(),
  chain_getTransactionReceipt: z.object({ hash: Hash32 }).strict(),
  // The ledger's own limit (`maxTxBytes`, 600 KiB) as hex: contract deploys carry whole modules.
  chain_sendTransaction: z
    .object({
      raw: HexBytes.refine((s) => s.length <= 2 * 600 * 1024, 'tx over 600 KiB (the ledger limit)'),
    })
    .strict(),
  state_getAccount: z.object({ address: Address, proof: z.boolean().optional() }).strict(),
  state_getStorage: z
    .object({ address: Address, key: HexBytes.refine((h) => h.length <= 2048, 'key too long') })
    .strict(),
  contract_call: z
    .object({
      address: Address,
      method: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a method name'),
      args: HexBytes.refine((h) => h.length <= 131_072, 'args over 64 KiB').optional(),
      gas: z.number().int().min(1).max(50_000_000).optional(),
    })
    .strict(),
  consensus_getValidators: z.object({}).strict(),
  consensus_getStatus: z.object({}).strict(),
  net_peers: z.object({}).strict(),
  mempool_status: z.object({}).strict(),
  admin_setPartitioned: z.object({ partitioned: z.boolean() }).strict(),
  admin_banPeer: z.object({ peer: z.string().min(1).max(128) }).strict(),
  subscribe: z.object({ topic: z.enum(['newBlocks', 'finality', 'logs']) }).strict(),
  unsubscribe: z.object({ id: z.string().max(64) }).strict(),
} as const;

export type MethodName = keyof typeof methodParams;
export type MethodParams<M extends MethodName> = z.input<(typeof methodParams)[M]>;

/** Methods that need the admin token (header `Authorization: Bearer <token>` or cookie). */
export const adminMethods: ReadonlySet<MethodName> = new Set([
  'admin_setPartitioned',
  'admin_banPeer',
]);

export interface BlockJson {
  readonly height: number;
  readonly hash: string;
  readonly parentHash: string;
  readonly view: number;
  readonly proposer: number;
  readonly timestamp: number;
  readonly stateRoot: string;
  readonly committedAt: number;
  readonly qc: { readonly view: number; readonly blockHash: string; readonly signers: string };
  readonly txs: readonly string[];
  /** The encoded block (hex), when asked for with `raw: true`. */
  readonly raw?: string;
}

/** The ledger's receipt (hex strings, decimal amounts) and where the transaction sits. */
export interface ReceiptJson {
  readonly txHash: string;
  readonly kind: string;
  readonly status: 'ok' | 'revert' | 'out_of_gas' | 'trap' | 'rejected';
  readonly gasUsed: number;
  readonly fee: string;
  readonly returnData: string;
  readonly logs: readonly { address: string; topics: readonly string[]; data: string }[];
  readonly contractAddress?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly height: number;
  readonly index: number;
}

export interface StatusJson {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly validator: number;
  readonly view: number;
  readonly phase: string;
  readonly leader: number;
  readonly lastQC: { readonly view: number; readonly blockHash: string };
  readonly committedHeight: number;
  readonly committedHash: string;
  readonly stateRoot: string;
  readonly viewChanges: number;
  readonly halted: string | null;
  readonly peers: number;
  readonly mempool: number;
  readonly txCommitted: number;
}

export interface PeerJson {
  readonly id: string;
  readonly score: number;
  readonly banned: boolean;
  readonly bannedUntil: number;
  readonly validator: number | null;
  readonly connected: boolean;
  readonly height: number;
  readonly latencyMs: number | null;
}

/** Result types per method. */
export interface MethodResults {
  chain_getBlockByHeight: BlockJson | null;
  chain_getBlockByHash: BlockJson | null;
  chain_getFinalized: { height: number; hash: string; stateRoot: string };
  chain_getTransaction: { raw: string; receipt: ReceiptJson | null; pending: boolean } | null;
  chain_getTransactionReceipt: ReceiptJson | null;
  chain_sendTransaction: { hash: string; status: 'added' | 'replaced' | 'known' };
  state_getAccount: {
    address: string;
    balance: string;
    nonce: string;
    stateRoot: string;
    height: number;
    /** The ledger's encoded state proof (hex), verifiable against `stateRoot`. */
    proof?: string;
  };
  state_getStorage: { value: string | null; stateRoot: string; height: number; proof: string };
  contract_call: { status: string; gasUsed: number; returnData: string; logs: unknown[] };
  consensus_getValidators: { index: number; stake: number; blsPublicKey: string; name: string }[];
  consensus_getStatus: StatusJson;
  net_peers: PeerJson[];
  mempool_status: { size: number; bytes: number; senders: number };
  admin_setPartitioned: { partitioned: boolean };
  admin_banPeer: { banned: boolean };
  subscribe: { id: string };
  unsubscribe: { ok: boolean };
}

/** JSON-RPC 2.0 error codes (the standard ones plus keel's server range). */
export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  UNAUTHORIZED: -32001,
  NOT_FOUND: -32002,
  TX_REJECTED: -32003,
  LIMIT_EXCEEDED: -32005,
  NOT_SUPPORTED: -32006,
} as const;

export const rpcLimits = {
  maxRequestBytes: 1024 * 1024,
  maxBatch: 100,
} as const;
