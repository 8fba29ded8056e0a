import { type Block, type Transaction, txid, wtxid } from '@keel/bitcoin/primitives';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { MAX_COMPACT_INDEX } from './codec.ts';
import { shortId, shortIdKey } from './shortIds.ts';
import type { CmpctBlock, CompactVersion, PrefilledTransaction } from './types.ts';

/**
 * Which transactions besides the coinbase to send in full. BIP152 suggests prefilling the ones
 * the receiver is unlikely to have (e.g. those that were not in our own mempool); Core prefills
 * only the coinbase, which is the default.
 */
export type PrefillPolicy = (tx: Transaction, index: number) => boolean;

export interface CreateCompactBlockParameters {
  /** 1: short ids over txids; 2 (default, Core's only version today): over wtxids. */
  version?: CompactVersion;
  prefill?: PrefillPolicy;
  /** Hashes already computed by the caller (txids for version 1, wtxids for 2), in block order. */
  hashes?: readonly Uint8Array[];
}

/** Builds the `cmpctblock` for `block` with the sender's `nonce` (Core's CBlockHeaderAndShortTxIDs). */
export function createCompactBlock(
  block: Block,
  nonce: bigint,
  params: CreateCompactBlockParameters = {},
): CmpctBlock {
  const { version = 2, prefill, hashes } = params;
  if (block.txs.length === 0 || block.txs.length > MAX_COMPACT_INDEX) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `createCompactBlock: a block of ${block.txs.length} transactions cannot be sent compact (1..${MAX_COMPACT_INDEX})`,
      'ignore',
    );
  }
  const key = shortIdKey(block.header, nonce);
  const shortIds: number[] = [];
  const prefilled: PrefilledTransaction[] = [];
  block.txs.forEach((tx, i) => {
    if (i === 0 || prefill?.(tx, i)) {
      prefilled.push({ index: i, tx });
      return;
    }
    const hash = hashes?.[i] ?? (version === 2 ? wtxid(tx) : txid(tx));
    shortIds.push(shortId(key, hash));
  });
  return { header: block.header, nonce, shortIds, prefilled };
}
