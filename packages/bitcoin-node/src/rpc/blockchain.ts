import { encodeBlockHeader, hashToHex } from '@keel/bitcoin';
import { type BlockIndexEntry, Prefix } from '@keel/bitcoin-store';
import { bytesToHex } from '@keel/util';
import type { RpcContext, RpcMethod } from './context.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import {
  addressParams,
  blockToJSON,
  difficulty,
  type HeaderContext,
  headerToJSON,
  scriptPubKeyToJSON,
  targetHex,
} from './format.ts';
import { btc, int, parseHash } from './params.ts';

/** Core's chain names in getblockchaininfo. */
const CHAIN_NAME = {
  main: 'main',
  test: 'test',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

export function headerContext(ctx: RpcContext, e: BlockIndexEntry): HeaderContext {
  const c = ctx.chain;
  const active = c.isActive(e);
  const next = active ? c.atHeight(e.height + 1) : undefined;
  return {
    hash: e.hash,
    header: e.header,
    height: e.height,
    chainWork: e.chainWork,
    confirmations: active ? c.height - e.height + 1 : -1,
    mediantime: c.medianTimePast(e),
    ...(e.parent ? { previous: e.parent.hash } : {}),
    ...(next ? { next: next.hash } : {}),
  };
}

export function lookupBlock(ctx: RpcContext, v: unknown, name = 'blockhash'): BlockIndexEntry {
  const e = ctx.chain.index.getByHash(parseHash(v, name));
  if (!e || e.height < 0)
    throw new RpcError(RpcErrorCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return e;
}

/** Core's GuessVerificationProgress, reduced to what the headers tell: blocks over headers. */
function progress(ctx: RpcContext): number {
  const best = ctx.chain.bestHeader.height;
  return best === 0 ? 1 : Math.min(1, ctx.chain.height / best);
}

export const blockchainMethods: RpcMethod[] = [
  {
    spec: {
      name: 'getblockchaininfo',
      category: 'Blockchain',
      description:
        'Returns an object containing various state info regarding blockchain processing.',
      args: [],
      result:
        '{ "chain", "blocks", "headers", "bestblockhash", "bits", "target", "difficulty", ... }',
    },
    run: (_a, ctx) => {
      const c = ctx.chain;
      const tip = c.tip;
      return {
        chain: CHAIN_NAME[c.params.network],
        blocks: c.height,
        headers: c.bestHeader.height,
        bestblockhash: hashToHex(tip.hash),
        bits: (tip.header.bits >>> 0).toString(16).padStart(8, '0'),
        target: targetHex(tip.header.bits),
        difficulty: difficulty(tip.header.bits),
        time: tip.header.time,
        mediantime: c.medianTimePast(tip),
        verificationprogress: progress(ctx),
        initialblockdownload: ctx.isInitialBlockDownload(),
        chainwork: tip.chainWork.toString(16).padStart(64, '0'),
        size_on_disk: ctx.sizeOnDisk(),
        pruned: false,
        warnings: [],
      };
    },
  },
  {
    spec: {
      name: 'getblockcount',
      category: 'Blockchain',
      description: 'Returns the height of the most-work fully-validated chain.',
      args: [],
      result: 'n (numeric) The current block count',
    },
    run: (_a, ctx) => ctx.chain.height,
  },
  {
    spec: {
      name: 'getbestblockhash',
      category: 'Blockchain',
      description:
        'Returns the hash of the best (tip) block in the most-work fully-validated chain.',
      args: [],
      result: '"hex" (string) the block hash, hex-encoded',
    },
    run: (_a, ctx) => hashToHex(ctx.chain.tip.hash),
  },
  {
    spec: {
      name: 'getblockhash',
      category: 'Blockchain',
      description: 'Returns hash of block in best-block-chain at height provided.',
      args: [{ name: 'height', type: 'num', description: 'The height index' }],
      result: '"hex" (string) The block hash',
    },
    run: ([h], ctx) => {
      const height = int(h, 0);
      const e = height < 0 ? undefined : ctx.chain.atHeight(height);
      if (!e) throw new RpcError(RpcErrorCode.INVALID_PARAMETER, 'Block height out of range');
      return hashToHex(e.hash);
    },
  },
  {
    spec: {
      name: 'getblock',
      category: 'Blockchain',
      description:
        "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n" +
        'If verbosity is 1, returns an Object with information about block <hash>.\n' +
        'If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.',
      args: [
        { name: 'blockhash', type: 'hex', description: 'The block hash' },
        {
          name: 'verbosity',
          type: 'num_or_bool',
          optional: true,
          description:
            '0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data',
        },
      ],
      result:
        '"hex" | { "hash", "confirmations", "size", "strippedsize", "weight", "height", ..., "tx" }',
    },
    run: ([hash, verb], ctx) => {
      const e = lookupBlock(ctx, hash);
      const v =
        verb === undefined || verb === null
          ? 1
          : typeof verb === 'boolean'
            ? verb
              ? 1
              : 0
            : int(verb, 1);
      if (!ctx.chain.haveData(e)) {
        throw new RpcError(RpcErrorCode.MISC_ERROR, 'Block not available (not fully downloaded)');
      }
      if (v <= 0) return bytesToHex(ctx.chain.readRawBlock(e));
      const block = ctx.chain.readBlock(e);
      return blockToJSON(
        block,
        headerContext(ctx, e),
        v >= 2 ? 2 : 1,
        addressParams(ctx.chain.params.network),
      );
    },
  },
  {
    spec: {
      name: 'getblockheader',
      category: 'Blockchain',
      description:
        "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n" +
        'If verbose is true, returns an Object with information about blockheader <hash>.',
      args: [
        { name: 'blockhash', type: 'hex', description: 'The block hash' },
        {
          name: 'verbose',
          type: 'bool',
          optional: true,
          description: 'true for a json object, false for the hex-encoded data',
        },
      ],
      result: '{ "hash", "confirmations", "height", "version", ... } | "hex"',
    },
    run: ([hash, verbose], ctx) => {
      const e = lookupBlock(ctx, hash, 'hash');
      if (verbose === false) return bytesToHex(encodeBlockHeader(e.header));
      const hc = headerContext(ctx, e);
      // nTx is known for stored blocks only
      const nTx = ctx.chain.haveData(e) ? ctx.chain.readBlock(e).txs.length : 0;
      return { ...headerContextJSON(hc, nTx) };
    },
  },
  {
    spec: {
      name: 'gettxout',
      category: 'Blockchain',
      description: 'Returns details about an unspent transaction output.',
      args: [
        { name: 'txid', type: 'hex', description: 'The transaction id' },
        { name: 'n', type: 'num', description: 'vout number' },
        {
          name: 'include_mempool',
          type: 'bool',
          optional: true,
          description: 'Whether to include the mempool.',
        },
      ],
      result: 'null | { "bestblock", "confirmations", "value", "scriptPubKey", "coinbase" }',
    },
    run: ([id, n, incl], ctx) => {
      const outpoint = { txid: parseHash(id, 'txid'), vout: int(n, 0) };
      if (outpoint.vout < 0) return null;
      const includeMempool = incl !== false;
      const c = ctx.chain;
      let coin = c.cs.cache.get(outpoint);
      let confirmations = coin ? c.height - coin.height + 1 : 0;
      if (includeMempool) {
        if (coin && ctx.mempool.isSpent(outpoint)) return null;
        if (!coin) {
          coin = ctx.mempool.coin(outpoint);
          confirmations = 0;
        }
      }
      if (!coin) return null;
      return {
        bestblock: hashToHex(c.tip.hash),
        confirmations,
        value: btc(coin.value),
        scriptPubKey: scriptPubKeyToJSON(coin.scriptPubKey, addressParams(c.params.network)),
        coinbase: coin.coinbase,
      };
    },
  },
  {
    spec: {
      name: 'gettxoutsetinfo',
      category: 'Blockchain',
      description:
        "Returns statistics about the unspent transaction output set. keel keeps the MuHash3072 of the set as it goes (hash_type 'muhash' or 'none'; 'hash_serialized_3' is not computed).",
      args: [
        {
          name: 'hash_type',
          type: 'str',
          optional: true,
          description: "Which UTXO set hash should be calculated. Options: 'muhash', 'none'.",
        },
        {
          name: 'hash_or_height',
          type: 'num',
          optional: true,
          description: 'Only the tip is supported.',
        },
        {
          name: 'use_index',
          type: 'bool',
          optional: true,
          description: 'Ignored (no coinstatsindex).',
        },
      ],
      result: '{ "height", "bestblock", "txouts", "bogosize", "muhash", "total_amount" }',
    },
    run: async ([type, at], ctx) => {
      const t = type ?? 'muhash';
      if (t !== 'muhash' && t !== 'none' && t !== 'hash_serialized_3') {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          `'${String(t)}' is not a valid hash_type`,
        );
      }
      if (t === 'hash_serialized_3') {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          "hash_type 'hash_serialized_3' is not computed by keel; use 'muhash' or 'none'",
        );
      }
      if (at !== undefined && at !== null) {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          'Querying specific block heights requires coinstatsindex',
        );
      }
      const c = ctx.chain;
      const stats = c.cs.stats;
      const bogosize = await utxoBogoSize(ctx);
      return {
        height: c.height,
        bestblock: hashToHex(c.tip.hash),
        txouts: stats.txouts,
        bogosize,
        ...(t === 'muhash' ? { muhash: hashToHex(stats.muhash.clone().finalize()) } : {}),
        total_amount: btc(stats.amount),
      };
    },
  },
];

function headerContextJSON(hc: HeaderContext, nTx: number) {
  return headerToJSON({ ...hc, nTx });
}

/** Core's bogosize: 50 bytes + script length per coin, over the flushed set. */
async function utxoBogoSize(ctx: RpcContext): Promise<number> {
  await ctx.chain.flushNow();
  let size = 0;
  const db = ctx.chain.cs.db;
  for await (const [, v] of db.range(Uint8Array.of(Prefix.coin), Uint8Array.of(Prefix.coin + 1))) {
    // coin record: u32 code ‖ i64 value ‖ script (layout.ts)
    size += 50 + (v.length - 12);
  }
  return size;
}
