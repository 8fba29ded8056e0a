import { concatBytes } from '@keel/util';
import { bigintToRLPBytes, encodeRLP, type RLPInput } from '../rlp/index.ts';
import type { TxType } from '../tx/types.ts';
import type { Log } from '../vm/types.ts';

/** A post-Byzantium receipt (EIP-658 status instead of an intermediate state root). */
export interface Receipt {
  readonly type: TxType;
  /** True when the transaction's top frame did not revert or halt exceptionally. */
  readonly status: boolean;
  /** Gas used by this and every earlier transaction of the block, after refunds. */
  readonly cumulativeGasUsed: bigint;
  readonly logsBloom: Uint8Array;
  readonly logs: readonly Log[];
}

export function logToRLP(log: Log): RLPInput {
  return [log.address, log.topics, log.data];
}

/**
 * The receipt as stored in the receipts trie: `rlp([status, cumulativeGasUsed, bloom, logs])`,
 * prefixed by the transaction type byte for typed transactions (EIP-2718). Status 1 encodes as
 * the byte 0x01, status 0 as the empty string (an RLP integer 0).
 */
export function encodeReceipt(r: Receipt): Uint8Array {
  const body = encodeRLP([
    r.status ? Uint8Array.of(1) : new Uint8Array(0),
    bigintToRLPBytes(r.cumulativeGasUsed),
    r.logsBloom,
    r.logs.map(logToRLP),
  ]);
  return r.type === 0 ? body : concatBytes(Uint8Array.of(r.type), body);
}
