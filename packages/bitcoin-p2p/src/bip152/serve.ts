import type { Block } from '@keel/bitcoin/primitives';
import { P2PError, P2PErrorCode } from '../errors.ts';
import type { BlockTxn, GetBlockTxn } from './types.ts';

/**
 * Core's MAX_BLOCKTXN_DEPTH: `getblocktxn` is answered with `blocktxn` only for blocks this
 * close to the tip; deeper ones get the full block.
 */
export const MAX_BLOCKTXN_DEPTH = 10;

/**
 * Answers a `getblocktxn` for `block` (the caller found it by `req.blockHash`). An index past
 * the block's end is misbehaviour (Core: "getblocktxn with out-of-bounds tx indices").
 */
export function serveGetBlockTxn(block: Block, req: GetBlockTxn): BlockTxn {
  const txs = req.indexes.map((i) => {
    const tx = block.txs[i];
    if (tx === undefined) {
      throw new P2PError(
        P2PErrorCode.COMPACT_BLOCK,
        `getblocktxn with out-of-bounds tx indices (${i} of ${block.txs.length})`,
        'discourage',
        { index: i, txCount: block.txs.length },
      );
    }
    return tx;
  });
  return { blockHash: req.blockHash, txs };
}
