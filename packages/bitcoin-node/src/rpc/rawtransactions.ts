import { decodeTransaction, hashToHex, type Transaction, txid, wtxid } from '@keel/bitcoin';
import { bytesToHex, isKeelError } from '@keel/util';
import type { PoolEntry } from '../node/txPool.ts';
import { lookupBlock } from './blockchain.ts';
import type { RpcContext, RpcMethod } from './context.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import { addressParams, txHex, txToJSON } from './format.ts';
import { amountFromValue, btc, int, parseHash } from './params.ts';

/** Core's DecodeHexTx (witness serialization first, as Core tries both). */
export function decodeHexTx(v: unknown): Transaction {
  const s = String(v);
  if (!/^([0-9a-fA-F]{2})+$/.test(s)) {
    throw new RpcError(RpcErrorCode.DESERIALIZATION_ERROR, 'TX decode failed');
  }
  try {
    return decodeTransaction(new Uint8Array(Buffer.from(s, 'hex')));
  } catch (e) {
    if (!isKeelError(e)) throw e;
    throw new RpcError(RpcErrorCode.DESERIALIZATION_ERROR, 'TX decode failed');
  }
}

/** Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 BTC/kvB. */
const DEFAULT_MAX_FEE_RATE = 10_000_000n;

function feeRateCheck(e: PoolEntry, maxfeerate: unknown): void {
  const max =
    maxfeerate === undefined || maxfeerate === null
      ? DEFAULT_MAX_FEE_RATE
      : amountFromValue(maxfeerate);
  if (max > 0n && e.fee * 1000n > max * BigInt(e.vsize)) {
    throw new RpcError(RpcErrorCode.VERIFY_REJECTED, 'max-fee-exceeded');
  }
}

export function mempoolEntryJSON(e: PoolEntry, ctx: RpcContext) {
  const spentby: string[] = [];
  const id = hashToHex(e.txid);
  for (const o of ctx.mempool.entries())
    if (o.depends.includes(id)) spentby.push(hashToHex(o.txid));
  return {
    vsize: e.vsize,
    weight: e.weight,
    time: e.time,
    height: e.height,
    descendantcount: 1 + spentby.length,
    descendantsize: e.vsize,
    ancestorcount: 1 + e.depends.length,
    ancestorsize: e.vsize,
    wtxid: hashToHex(e.wtxid),
    fees: { base: btc(e.fee), modified: btc(e.fee), ancestor: btc(e.fee), descendant: btc(e.fee) },
    depends: e.depends,
    spentby,
    'bip125-replaceable': false,
    unbroadcast: false,
  };
}

export const rawTransactionMethods: RpcMethod[] = [
  {
    spec: {
      name: 'getrawtransaction',
      category: 'Rawtransactions',
      description:
        'By default, this call only returns a transaction if it is in the mempool. keel keeps no -txindex: ' +
        'to query a confirmed transaction, give the blockhash of the block that holds it.',
      args: [
        { name: 'txid', type: 'hex', description: 'The transaction id' },
        {
          name: 'verbosity',
          type: 'num_or_bool',
          optional: true,
          description: '0 for hex-encoded data, 1 for a JSON object',
        },
        {
          name: 'blockhash',
          type: 'hex',
          optional: true,
          description: 'The block in which to look for the transaction',
        },
      ],
      result:
        '"hex" | { "txid", "hash", ..., "hex", "blockhash", "confirmations", "time", "blocktime" }',
    },
    run: ([id, verb, bh], ctx) => {
      const hash = parseHash(id, 'parameter 1');
      const verbosity = typeof verb === 'boolean' ? (verb ? 1 : 0) : int(verb, 0);
      const ap = addressParams(ctx.chain.params.network);
      if (bh === undefined || bh === null) {
        const e = ctx.mempool.get(bytesToHex(hash));
        if (!e || !equal(e.txid, hash)) {
          throw new RpcError(
            RpcErrorCode.INVALID_ADDRESS_OR_KEY,
            'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.',
          );
        }
        return verbosity === 0 ? txHex(e.tx) : { ...txToJSON(e.tx, ap), hex: txHex(e.tx) };
      }
      const entry = lookupBlock(ctx, bh);
      const block = ctx.chain.readBlock(entry);
      const tx = block.txs.find((t) => equal(txid(t), hash));
      if (!tx) {
        throw new RpcError(
          RpcErrorCode.INVALID_ADDRESS_OR_KEY,
          'No such transaction found in the provided block. Use gettransaction for wallet transactions.',
        );
      }
      if (verbosity === 0) return txHex(tx);
      const active = ctx.chain.isActive(entry);
      return {
        in_active_chain: active,
        ...txToJSON(tx, ap),
        hex: txHex(tx),
        blockhash: hashToHex(entry.hash),
        confirmations: active ? ctx.chain.height - entry.height + 1 : 0,
        time: entry.header.time,
        blocktime: entry.header.time,
      };
    },
  },
  {
    spec: {
      name: 'decoderawtransaction',
      category: 'Rawtransactions',
      description: 'Return a JSON object representing the serialized, hex-encoded transaction.',
      args: [
        { name: 'hexstring', type: 'hex', description: 'The transaction hex string' },
        {
          name: 'iswitness',
          type: 'bool',
          optional: true,
          description: 'Whether the transaction hex is a serialized witness transaction.',
        },
      ],
      result: '{ "txid", "hash", "size", "vsize", "weight", "version", "locktime", "vin", "vout" }',
    },
    run: ([hex], ctx) => txToJSON(decodeHexTx(hex), addressParams(ctx.chain.params.network)),
  },
  {
    spec: {
      name: 'sendrawtransaction',
      category: 'Rawtransactions',
      description: 'Submit a raw transaction (serialized, hex-encoded) to local node and network.',
      args: [
        { name: 'hexstring', type: 'hex', description: 'The hex string of the raw transaction' },
        {
          name: 'maxfeerate',
          type: 'amount',
          optional: true,
          description:
            'Reject transactions whose fee rate is higher than this (BTC/kvB). Default 0.10',
        },
        {
          name: 'maxburnamount',
          type: 'amount',
          optional: true,
          description: 'Reject transactions with provably unspendable outputs above this value.',
        },
      ],
      result: '"hex" (string) The transaction hash in hex',
    },
    run: ([hex, maxfeerate], ctx) => {
      const tx = decodeHexTx(hex);
      const id = txid(tx);
      if (ctx.mempool.get(bytesToHex(id))) {
        ctx.net?.relayTransaction(tx);
        return hashToHex(id);
      }
      const dry = ctx.mempool.accept(tx, { dryRun: true });
      if (!dry.ok) throw rejectError(dry.reason, dry.kind);
      feeRateCheck(dry.entry, maxfeerate);
      const r = ctx.mempool.accept(tx);
      if (!r.ok) throw rejectError(r.reason, r.kind);
      ctx.net?.relayTransaction(tx);
      return hashToHex(id);
    },
  },
  {
    spec: {
      name: 'testmempoolaccept',
      category: 'Rawtransactions',
      description:
        'Returns result of mempool acceptance tests indicating if raw transactions would be accepted by mempool.',
      args: [
        {
          name: 'rawtxs',
          type: 'arr',
          description: 'An array of hex strings of raw transactions.',
        },
        {
          name: 'maxfeerate',
          type: 'amount',
          optional: true,
          description: 'Reject transactions whose fee rate is higher than this (BTC/kvB).',
        },
      ],
      result: '[ { "txid", "wtxid", "allowed", "vsize", "fees", "reject-reason" }, ... ]',
    },
    run: ([raw, maxfeerate], ctx) => {
      const list = raw as unknown[];
      if (list.length < 1 || list.length > 25) {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          'Array must contain between 1 and 25 transactions.',
        );
      }
      const txs = list.map(decodeHexTx);
      if (txs.length > 1) {
        // packages are validated together by the policy mempool; this pool checks one at a time
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          'keel tests one transaction at a time (package validation is not implemented)',
        );
      }
      return txs.map((tx) => {
        const r = ctx.mempool.accept(tx, { dryRun: true });
        const base = { txid: hashToHex(txid(tx)), wtxid: hashToHex(wtxid(tx)) };
        if (!r.ok) return { ...base, allowed: false, 'reject-reason': r.reason };
        try {
          feeRateCheck(r.entry, maxfeerate);
        } catch {
          return { ...base, allowed: false, 'reject-reason': 'max-fee-exceeded' };
        }
        const rate = (r.entry.fee * 1000n) / BigInt(r.entry.vsize);
        return {
          ...base,
          allowed: true,
          vsize: r.entry.vsize,
          fees: {
            base: btc(r.entry.fee),
            'effective-feerate': btc(rate),
            'effective-includes': [hashToHex(r.entry.wtxid)],
          },
        };
      });
    },
  },
  {
    spec: {
      name: 'getrawmempool',
      category: 'Blockchain',
      description:
        'Returns all transaction ids in memory pool as a json array of string transaction ids.',
      args: [
        {
          name: 'verbose',
          type: 'bool',
          optional: true,
          description: 'True for a json object, false for array of transaction ids',
        },
        {
          name: 'mempool_sequence',
          type: 'bool',
          optional: true,
          description: 'Not supported by keel.',
        },
      ],
      result: '[ "txid", ... ] | { "txid": { ... }, ... }',
    },
    run: ([verbose], ctx) => {
      const all = [...ctx.mempool.entries()];
      if (verbose !== true) return all.map((e) => hashToHex(e.txid));
      return Object.fromEntries(all.map((e) => [hashToHex(e.txid), mempoolEntryJSON(e, ctx)]));
    },
  },
  {
    spec: {
      name: 'getmempoolentry',
      category: 'Blockchain',
      description: 'Returns mempool data for given transaction',
      args: [{ name: 'txid', type: 'hex', description: 'The transaction id (must be in mempool)' }],
      result: '{ "vsize", "weight", "time", "height", ..., "depends", "spentby" }',
    },
    run: ([id], ctx) => {
      const hash = parseHash(id, 'parameter 1');
      const e = ctx.mempool.get(bytesToHex(hash));
      if (!e || !equal(e.txid, hash)) {
        throw new RpcError(RpcErrorCode.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
      }
      return mempoolEntryJSON(e, ctx);
    },
  },
  {
    spec: {
      name: 'getmempoolinfo',
      category: 'Blockchain',
      description: 'Returns details on the active state of the TX memory pool.',
      args: [],
      result:
        '{ "loaded", "size", "bytes", "usage", "total_fee", "maxmempool", "mempoolminfee", "minrelaytxfee", ... }',
    },
    run: (_a, ctx) => {
      let fee = 0n;
      for (const e of ctx.mempool.entries()) fee += e.fee;
      return {
        loaded: true,
        size: ctx.mempool.size,
        bytes: ctx.mempool.bytes,
        usage: ctx.mempool.bytes,
        total_fee: btc(fee),
        maxmempool: 300_000_000,
        mempoolminfee: btc(1000),
        minrelaytxfee: btc(1000),
        incrementalrelayfee: btc(1000),
        unbroadcastcount: 0,
        fullrbf: true,
      };
    },
  },
];

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Core's mapping of a rejected transaction to an RPC error (BroadcastTransaction). */
export function rejectError(reason: string, kind: string): RpcError {
  if (kind === 'missing-inputs')
    return new RpcError(RpcErrorCode.VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
  if (kind === 'known' && reason === 'txn-already-known') {
    return new RpcError(
      RpcErrorCode.VERIFY_ALREADY_IN_CHAIN,
      'Transaction outputs already in utxo set',
    );
  }
  return new RpcError(RpcErrorCode.VERIFY_REJECTED, reason);
}
