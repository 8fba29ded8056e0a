import {
  addressToScript,
  type Block,
  blockHash as blockHashOf,
  computeMerkleRoot,
  decodeBlock,
  encodeBlock,
  encodeTransaction as encodeTx,
  hashToHex,
  isCoinbase,
  type Transaction,
  txid,
  wtxid,
} from '@keel/bitcoin';
import { sha256d } from '@keel/crypto';
import { bytesToHex, concatBytes, hexToBytes, isKeelError } from '@keel/util';
import { createCoinbase, createTemplate, mineBlock } from '../node/template.ts';
import type { NodeMempool } from '../node/txPool.ts';
import type { RpcContext, RpcMethod } from './context.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import { addressParams, targetHex } from './format.ts';
import { int } from './params.ts';
import { decodeHexTx } from './rawtransactions.ts';

const nowSeconds = (ctx: RpcContext) => Math.floor(ctx.now() / 1000);

/**
 * BIP22 long polling. A template's `longpollid` is the tip it builds on (64 hex characters)
 * followed by its fees in satoshis. A request naming it returns at once when the tip moved, as
 * soon as the tip changes, when the mempool's fees for the next block grew by at least
 * `LONGPOLL_FEE_DELTA` (looked at every `LONGPOLL_CHECK_MS`), or after `LONGPOLL_MAX_WAIT_MS`
 * with whatever the template then is (BIP22 lets the server answer at any time; Core answers a
 * mempool change after a minute, keel on fee gains as its Template Distribution server does).
 */
export const LONGPOLL_FEE_DELTA = 1000n;
export const LONGPOLL_CHECK_MS = 500;
export const LONGPOLL_MAX_WAIT_MS = 60_000;

function parseLongPollId(ctx: RpcContext, id: unknown): { tip: string; fees: bigint } {
  // like Core: a longpollid that is not a string watches the current tip and template
  if (typeof id !== 'string') {
    return {
      tip: hashToHex(ctx.chain.tip.hash),
      fees: createTemplate(ctx.chain, ctx.mempool, nowSeconds(ctx)).fees,
    };
  }
  const tip = id.slice(0, 64);
  if (!/^[0-9a-fA-F]{64}$/.test(tip)) {
    throw new RpcError(
      RpcErrorCode.INVALID_PARAMETER,
      `longpollid must start with a 64-character hexadecimal block hash (not '${tip}')`,
    );
  }
  const rest = id.slice(64);
  if (!/^[0-9]{0,20}$/.test(rest)) {
    throw new RpcError(RpcErrorCode.INVALID_PARAMETER, 'longpollid: fees must be decimal');
  }
  return { tip: tip.toLowerCase(), fees: rest === '' ? 0n : BigInt(rest) };
}

async function longPoll(ctx: RpcContext, id: unknown): Promise<void> {
  const watched = parseLongPollId(ctx, id);
  const c = ctx.chain;
  if (hashToHex(c.tip.hash) !== watched.tip) return;
  await new Promise<void>((resolve) => {
    let seen = { size: ctx.mempool.size, bytes: ctx.mempool.bytes };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearInterval(check);
      clearTimeout(cap);
      // the tip listener runs inside block connection: build the answer after it (and after
      // the mempool dropped the block's transactions)
      setImmediate(resolve);
    };
    const unsubscribe = c.subscribe({ tip: finish });
    const check = setInterval(() => {
      if (hashToHex(c.tip.hash) !== watched.tip) return finish();
      if (ctx.mempool.size === seen.size && ctx.mempool.bytes === seen.bytes) return;
      seen = { size: ctx.mempool.size, bytes: ctx.mempool.bytes };
      const fees = createTemplate(c, ctx.mempool, nowSeconds(ctx)).fees;
      if (fees - watched.fees >= LONGPOLL_FEE_DELTA) finish();
    }, LONGPOLL_CHECK_MS);
    const cap = setTimeout(finish, LONGPOLL_MAX_WAIT_MS);
    check.unref();
    cap.unref();
  });
}

function outputScript(ctx: RpcContext, v: unknown): Uint8Array {
  const s = String(v);
  const raw = /^raw\(([0-9a-fA-F]*)\)(#[a-z0-9]{8})?$/.exec(s);
  if (raw) return hexToBytes(raw[1]!);
  const addr = /^addr\(([^)]*)\)(#[a-z0-9]{8})?$/.exec(s);
  try {
    return addressToScript(addr ? addr[1]! : s, addressParams(ctx.chain.params.network));
  } catch (e) {
    if (!isKeelError(e)) throw e;
    throw new RpcError(RpcErrorCode.INVALID_ADDRESS_OR_KEY, 'Error: Invalid address');
  }
}

/** Core's submitblock result strings (BIP22). */
async function submit(ctx: RpcContext, block: Block): Promise<string | null> {
  const r = await ctx.chain.acceptBlock(block, { requested: true });
  switch (r.status) {
    case 'duplicate':
      return r.entry.invalid ? 'duplicate-invalid' : 'duplicate';
    case 'invalid':
      return r.reason;
    case 'orphan':
      return 'inconclusive';
    case 'ignored':
      return 'inconclusive';
    case 'accepted':
      return ctx.chain.isActive(r.entry) ? null : 'inconclusive';
  }
}

async function generate(ctx: RpcContext, script: Uint8Array, n: number, maxTries: number) {
  const hashes: string[] = [];
  let tries = maxTries;
  while (hashes.length < n && tries > 0) {
    const t = createTemplate(ctx.chain, ctx.mempool, nowSeconds(ctx));
    const cb = createCoinbase(t, script);
    const block = mineBlock(
      ctx.chain,
      t,
      cb,
      t.entries.map((e) => e.tx),
      tries,
    );
    if (!block) break;
    tries -= block.header.nonce + 1;
    const r = await submit(ctx, block);
    if (r !== null)
      throw new RpcError(RpcErrorCode.INTERNAL_ERROR, `ProcessNewBlock, block not accepted: ${r}`);
    hashes.push(hashToHex(ctx.chain.tip.hash));
  }
  return hashes;
}

function requireRegtest(ctx: RpcContext, name: string): void {
  if (ctx.chain.params.network !== 'regtest') {
    throw new RpcError(
      RpcErrorCode.METHOD_NOT_FOUND,
      `${name} is only available on regtest in keel`,
    );
  }
}

export const miningMethods: RpcMethod[] = [
  {
    spec: {
      name: 'getblocktemplate',
      category: 'Mining',
      description:
        'Returns data needed to construct a block to work on (BIP22, BIP23, segwit rules of BIP145). ' +
        'The request must name the "segwit" rule. With "longpollid" (BIP22 long polling) the call ' +
        "waits until the tip changes, the next block's fees grow by LONGPOLL_FEE_DELTA sat, or " +
        'LONGPOLL_MAX_WAIT_MS passes.',
      args: [
        {
          name: 'template_request',
          type: 'obj',
          optional: true,
          description: '{"mode": "template", "rules": ["segwit"]}',
        },
      ],
      result:
        '{ "version", "rules", "previousblockhash", "transactions", "coinbasevalue", "target", "bits", "height", "default_witness_commitment", ... }',
    },
    run: async ([req], ctx) => {
      const r = (req ?? {}) as {
        mode?: unknown;
        rules?: unknown;
        data?: unknown;
        longpollid?: unknown;
      };
      if (r.mode === 'proposal') {
        // BIP23 block proposal: full validation without proof of work, nothing stored
        if (typeof r.data !== 'string')
          throw new RpcError(RpcErrorCode.TYPE_ERROR, 'Missing data String key for proposal');
        let block: Block;
        try {
          block = decodeBlock(new Uint8Array(Buffer.from(r.data, 'hex')));
        } catch (e) {
          if (!isKeelError(e)) throw e;
          throw new RpcError(RpcErrorCode.DESERIALIZATION_ERROR, 'Block decode failed');
        }
        const e = ctx.chain.index.getByHash(blockHashOf(block.header));
        if (e && ctx.chain.haveData(e))
          return e.invalid
            ? 'duplicate-invalid'
            : ctx.chain.isActive(e)
              ? 'duplicate'
              : 'duplicate-inconclusive';
        return ctx.chain.testBlockValidity(block);
      }
      if (r.mode !== undefined && r.mode !== 'template') {
        throw new RpcError(RpcErrorCode.INVALID_PARAMETER, 'Invalid mode');
      }
      if (!Array.isArray(r.rules) || !r.rules.includes('segwit')) {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})',
        );
      }
      const c = ctx.chain;
      const signet = c.params.signetChallenge;
      if (signet && !r.rules.includes('signet')) {
        throw new RpcError(
          RpcErrorCode.INVALID_PARAMETER,
          'getblocktemplate must be called with the signet rule set (call with {"rules": ["segwit", "signet"]})',
        );
      }
      if (c.params.network === 'main') {
        if (
          (ctx.net?.connectionCount().outbound ?? 0) + (ctx.net?.connectionCount().inbound ?? 0) ===
          0
        ) {
          throw new RpcError(RpcErrorCode.CLIENT_NOT_CONNECTED, 'keel is not connected!');
        }
        if (ctx.isInitialBlockDownload()) {
          throw new RpcError(
            RpcErrorCode.CLIENT_IN_INITIAL_DOWNLOAD,
            'keel is in initial sync and waiting for blocks...',
          );
        }
      }
      if (r.longpollid !== undefined) await longPoll(ctx, r.longpollid);
      const t = createTemplate(c, ctx.mempool, nowSeconds(ctx));
      const index = new Map(t.entries.map((e, i) => [hashToHex(e.txid), i + 1]));
      return {
        capabilities: ['proposal'],
        version: t.version,
        rules: signet ? ['csv', '!segwit', 'taproot', '!signet'] : ['csv', '!segwit', 'taproot'],
        vbavailable: {},
        vbrequired: 0,
        previousblockhash: hashToHex(t.prev),
        transactions: t.entries.map((e) => ({
          data: bytesToHex(encodeTx(e.tx)),
          txid: hashToHex(e.txid),
          hash: hashToHex(e.wtxid),
          depends: e.depends.map((d) => index.get(d)!).filter((x) => x !== undefined),
          fee: Number(e.fee),
          sigops: e.sigopCost,
          weight: e.weight,
        })),
        coinbaseaux: {},
        coinbasevalue: Number(t.coinbaseValue),
        longpollid: `${hashToHex(t.prev)}${t.fees}`,
        target: targetHex(t.bits),
        mintime: t.mintime,
        mutable: ['time', 'transactions', 'prevblock'],
        noncerange: '00000000ffffffff',
        sigoplimit: 80000,
        sizelimit: 4000000,
        weightlimit: 4000000,
        curtime: t.curtime,
        bits: (t.bits >>> 0).toString(16).padStart(8, '0'),
        height: t.height,
        default_witness_commitment: bytesToHex(t.witnessCommitment),
        ...(signet ? { signet_challenge: bytesToHex(signet) } : {}),
      };
    },
  },
  {
    spec: {
      name: 'submitblock',
      category: 'Mining',
      description: 'Attempts to submit new block to network (BIP22).',
      args: [
        { name: 'hexdata', type: 'hex', description: 'the hex-encoded block data to submit' },
        {
          name: 'dummy',
          type: 'str',
          optional: true,
          description: 'dummy value, for compatibility with BIP22. This value is ignored.',
        },
      ],
      result:
        'null on success, else a string: "duplicate", "duplicate-invalid", "inconclusive" or the rejection reason',
    },
    run: async ([hex], ctx) => {
      let block: Block;
      try {
        block = decodeBlock(new Uint8Array(Buffer.from(String(hex), 'hex')));
      } catch (e) {
        if (!isKeelError(e)) throw e;
        throw new RpcError(RpcErrorCode.DESERIALIZATION_ERROR, 'Block decode failed');
      }
      if (!block.txs[0] || !isCoinbase(block.txs[0])) {
        throw new RpcError(
          RpcErrorCode.DESERIALIZATION_ERROR,
          'Block does not start with a coinbase',
        );
      }
      return submit(ctx, block);
    },
  },
  {
    spec: {
      name: 'generatetoaddress',
      category: 'Generating',
      description:
        'Mine blocks immediately to a specified address (before the RPC call returns). Regtest only.',
      args: [
        { name: 'nblocks', type: 'num', description: 'How many blocks are generated.' },
        {
          name: 'address',
          type: 'str',
          description: 'The address to send the newly generated bitcoin to.',
        },
        {
          name: 'maxtries',
          type: 'num',
          optional: true,
          description: 'How many iterations to try.',
        },
      ],
      result: '[ "hex", ... ] hashes of blocks generated',
    },
    run: async ([n, address, maxtries], ctx) => {
      requireRegtest(ctx, 'generatetoaddress');
      const script = outputScript(ctx, address);
      return generate(ctx, script, int(n, 0), int(maxtries, 1_000_000));
    },
  },
  {
    spec: {
      name: 'generateblock',
      category: 'Generating',
      description:
        'Mine a set of ordered transactions to a specified address or descriptor and return the block hash. Regtest only.',
      args: [
        {
          name: 'output',
          type: 'str',
          description:
            'The address or descriptor (addr(), raw()) to send the newly generated bitcoin to.',
        },
        {
          name: 'transactions',
          type: 'arr',
          description: 'An array of hex strings which are either txids or raw transactions.',
        },
        {
          name: 'submit',
          type: 'bool',
          optional: true,
          description:
            'Whether to submit the block before the RPC call returns or to return it as hex.',
        },
      ],
      result: '{ "hash", "hex" (only when submit is false) }',
    },
    run: async ([output, list, doSubmit], ctx) => {
      requireRegtest(ctx, 'generateblock');
      const script = outputScript(ctx, output);
      const txs: Transaction[] = [];
      for (const item of list as unknown[]) {
        const s = String(item);
        if (/^[0-9a-fA-F]{64}$/.test(s)) {
          const e = ctx.mempool.get(bytesToHex(hexToBytes(s).reverse()));
          if (!e)
            throw new RpcError(
              RpcErrorCode.INVALID_ADDRESS_OR_KEY,
              `Transaction ${s} not in mempool.`,
            );
          txs.push(e.tx);
        } else {
          txs.push(decodeHexTx(s));
        }
      }
      const t = createTemplate(ctx.chain, emptyPool, nowSeconds(ctx));
      // the template's fees are those of the given transactions: unknown for raw ones, so the
      // coinbase claims the subsidy plus the fees of the pool transactions among them
      let fees = 0n;
      for (const tx of txs) fees += ctx.mempool.get(bytesToHex(txid(tx)))?.fee ?? 0n;
      t.coinbaseValue += fees;
      t.witnessCommitment = commitmentFor(txs);
      const block = mineBlock(ctx.chain, t, createCoinbase(t, script), txs, 1_000_000);
      if (!block) throw new RpcError(RpcErrorCode.MISC_ERROR, 'Failed to make block.');
      if (doSubmit === false) {
        const invalid = await ctx.chain.testBlockValidity(block);
        if (invalid !== null) {
          throw new RpcError(RpcErrorCode.VERIFY_ERROR, `TestBlockValidity failed: ${invalid}`);
        }
        return { hash: hashToHex(blockHashOf(block.header)), hex: bytesToHex(encodeBlock(block)) };
      }
      const r = await submit(ctx, block);
      if (r !== null)
        throw new RpcError(RpcErrorCode.VERIFY_ERROR, `TestBlockValidity failed: ${r}`);
      return { hash: hashToHex(blockHashOf(block.header)) };
    },
  },
];

function commitmentFor(txs: readonly Transaction[]): Uint8Array {
  const root = computeMerkleRoot([new Uint8Array(32), ...txs.map(wtxid)]).root;
  const c = sha256d(concatBytes(root, new Uint8Array(32)));
  return concatBytes(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed), c);
}

const emptyPool: NodeMempool = {
  size: 0,
  bytes: 0,
  entries: () => [],
  get: () => undefined,
  accept: () => ({ ok: false, reason: 'unused', kind: 'policy' }),
  coin: () => undefined,
  isSpent: () => false,
  blockConnected: () => undefined,
  blockDisconnected: () => undefined,
};
