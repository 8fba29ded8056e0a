import { z } from 'zod';
import { RpcError } from './client.ts';
import { EthBlockTag, EthHash } from './eth.ts';

/**
 * The verkle methods of a chain node (issue 19): Ethereum-style names and positional params,
 * Ethereum error codes (`EthRpcErrorCode`). Served by every node; on an `mpt` chain the
 * state-bound ones answer -32000 "not a verkle chain".
 */
const Root = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x state root');
/** A witness in go-verkle JSON (`{stateDiff, verkleProof}`); its shape is checked by the node. */
const WitnessJson = z.record(z.string(), z.unknown());
const none = z.tuple([]);

export const verkleMethodParams = {
  /** The execution witness of a block (number, tag or Ethereum block hash). */
  verkle_getWitness: z.tuple([z.union([EthBlockTag, EthHash])]),
  /** Checks a witness statelessly against a pre-state root (the node holds no state for it). */
  verkle_verifyProof: z.tuple([Root, WitnessJson]),
  verkle_getStateMode: none,
  verkle_getTreeStats: none,
  verkle_getMigrationStatus: none,
} as const;

export type VerkleMethodName = keyof typeof verkleMethodParams;

/** go-verkle's JSON form of an execution witness (hex strings, 0x-prefixed). */
export interface ExecutionWitnessJson {
  readonly stateDiff: readonly {
    readonly stem: string;
    readonly suffixDiffs: readonly {
      readonly suffix: number;
      readonly currentValue: string | null;
      readonly newValue: string | null;
    }[];
  }[];
  readonly verkleProof: Record<string, unknown>;
}

export interface VerkleWitnessResult {
  /** Ethereum block number (0x quantity) and block-view hash. */
  readonly number: string;
  readonly hash: string;
  /** The parent block view's stateRoot (what the witness proves against) and this block's. */
  readonly parentStateRoot: string;
  readonly stateRoot: string;
  /** Keys the block read or wrote; null witness when it touched no EVM state. */
  readonly keys: number;
  readonly stems: number;
  readonly proofBytes: number;
  readonly witnessBytes: number;
  readonly executionWitness: ExecutionWitnessJson | null;
  /** `store`: kept since commit; `memory`: built now from the node's recent trees. */
  readonly source: 'store' | 'memory';
}

export interface VerkleVerdictResult {
  readonly valid: boolean;
  readonly reason?: string;
  readonly stems: number;
  readonly keys: number;
  readonly proofBytes: number;
  readonly witnessBytes: number;
}

export interface VerkleStateModeResult {
  readonly mode: 'mpt' | 'verkle';
  /** The latest Ethereum block view (number 0x, stateRoot = verkle root on verkle chains). */
  readonly number: string;
  readonly stateRoot: string;
  /** Blocks a witness is kept for after commit (0: built on request only). */
  readonly witnessRetentionBlocks: number;
}

export interface VerkleTreeStatsResult {
  readonly number: string;
  readonly root: string;
  /** Leaf nodes (one per stem), internal nodes, present values, deepest internal level. */
  readonly leaves: number;
  readonly internalNodes: number;
  readonly values: number;
  readonly maxDepth: number;
}

export interface VerkleMigrationStatusResult {
  readonly mode: 'mpt' | 'verkle';
  /** `none` (an mpt chain without a migration), `converting`, or `done`. */
  readonly phase: 'none' | 'converting' | 'done';
  readonly leavesPerBlock: number;
  /** Ledger keys converted so far and the total to convert (null when unknown). */
  readonly converted: number;
  readonly total: number | null;
  /** Ethereum block numbers (0x) where the conversion started and finished. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface VerkleMethodResults {
  verkle_getWitness: VerkleWitnessResult;
  verkle_verifyProof: VerkleVerdictResult;
  verkle_getStateMode: VerkleStateModeResult;
  verkle_getTreeStats: VerkleTreeStatsResult;
  verkle_getMigrationStatus: VerkleMigrationStatusResult;
}

export interface VerkleClientOptions {
  readonly url: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Typed calls of the verkle methods (browser-safe: only `fetch`). Errors are `RpcError`. */
export interface VerkleClient {
  getWitness(block: number | bigint | string): Promise<VerkleWitnessResult>;
  verifyProof(preStateRoot: string, witness: unknown): Promise<VerkleVerdictResult>;
  getStateMode(): Promise<VerkleStateModeResult>;
  getTreeStats(): Promise<VerkleTreeStatsResult>;
  getMigrationStatus(): Promise<VerkleMigrationStatusResult>;
}

export function createVerkleClient(o: VerkleClientOptions): VerkleClient {
  const f = o.fetch ?? fetch;
  let id = 0;
  const call = async <M extends VerkleMethodName>(
    method: M,
    params: unknown[],
  ): Promise<VerkleMethodResults[M]> => {
    const res = await f(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    });
    const r = (await res.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (r.error) throw new RpcError(r.error.code, r.error.message, r.error.data);
    return r.result as VerkleMethodResults[M];
  };
  const tag = (b: number | bigint | string) =>
    typeof b === 'string' ? b : `0x${BigInt(b).toString(16)}`;
  return {
    getWitness: (b) => call('verkle_getWitness', [tag(b)]),
    verifyProof: (root, w) => call('verkle_verifyProof', [root, w]),
    getStateMode: () => call('verkle_getStateMode', []),
    getTreeStats: () => call('verkle_getTreeStats', []),
    getMigrationStatus: () => call('verkle_getMigrationStatus', []),
  };
}
