import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTransaction, type Transaction } from '@keel/evm';
import type { ExecutedBlock, L2Receipt } from '@keel/rollup';
import { withdrawalHash, withdrawalProof } from '@keel/rollup';
import { bytesToHex, equalBytes, hexToBytes, isKeelError } from '@keel/util';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';
import type { RollupNode } from './node.ts';

const MAX_BODY = 1 << 20;
const hex = (b: Uint8Array) => `0x${bytesToHex(b)}`;
const q = (n: bigint | number) => `0x${n.toString(16)}`;
const ZERO32 = hex(new Uint8Array(32));

class RpcFailure {
  constructor(
    readonly code: number,
    readonly message: string,
  ) {}
}

function notFound(what: string): never {
  throw new RpcFailure(-32000, what);
}

function receiptJSON(b: ExecutedBlock, i: number) {
  const r: L2Receipt = b.receipts[i]!;
  const prev = b.receipts.slice(0, i).reduce((a, x) => a + x.logs.length, 0);
  return {
    transactionHash: hex(r.txHash),
    transactionIndex: q(i),
    blockHash: hex(b.header.hash),
    blockNumber: q(b.header.number),
    from: hex(r.from),
    to: r.to ? hex(r.to) : null,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    contractAddress: r.createdAddress ? hex(r.createdAddress) : null,
    logs: r.logs.map((l, k) => ({
      address: hex(l.address),
      topics: l.topics.map(hex),
      data: hex(l.data),
      blockNumber: q(b.header.number),
      blockHash: hex(b.header.hash),
      transactionHash: hex(r.txHash),
      transactionIndex: q(i),
      logIndex: q(prev + k),
      removed: false,
    })),
    logsBloom: hex(new Uint8Array(256)),
    status: q(r.status),
    type: q(r.type),
  };
}

/** `eth_getTransactionByHash`'s object; `at` is null while the tx is pending. */
function txJSON(
  tx: Transaction,
  hash: Uint8Array,
  from: Uint8Array,
  at: { blockHash: Uint8Array; blockNumber: bigint; index: number } | null,
) {
  const fees =
    tx.type === 0 || tx.type === 1
      ? { gasPrice: q(tx.gasPrice) }
      : {
          gasPrice: q(tx.maxPriorityFeePerGas),
          maxFeePerGas: q(tx.maxFeePerGas),
          maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas),
        };
  return {
    hash: hex(hash),
    from: hex(from),
    to: tx.to ? hex(tx.to) : null,
    nonce: q(tx.nonce),
    gas: q(tx.gasLimit),
    value: q(tx.value),
    input: hex(tx.data),
    type: q(tx.type),
    ...fees,
    ...(tx.type === 0 ? {} : { chainId: q(tx.chainId), accessList: [] }),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
    blockHash: at ? hex(at.blockHash) : null,
    blockNumber: at ? q(at.blockNumber) : null,
    transactionIndex: at ? q(at.index) : null,
  };
}

/** The node's `eth_*` subset (what viem's public and wallet clients use) + `rollup_*`. */
export class RollupRpcServer {
  readonly #node: RollupNode;
  #server: Server | undefined;

  constructor(node: RollupNode) {
    this.#node = node;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      void this.#serve(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        },
        () => {
          res.writeHead(413);
          res.end();
        },
      );
    });
    this.#server = server;
    await new Promise<void>((r) => server.listen(port, host, r));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((r) => this.#server?.close(r));
  }

  async #serve(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req) {
      n += (c as Buffer).length;
      if (n > MAX_BODY)
        throw new RollupNodeError(RollupNodeErrorCode.TX_REJECTED, 'body too large');
      chunks.push(c as Buffer);
    }
    let msg: unknown;
    try {
      msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'parse error' },
      });
    }
    if (Array.isArray(msg))
      return `[${msg
        .slice(0, 100)
        .map((m) => this.#one(m))
        .join(',')}]`;
    return this.#one(msg);
  }

  #one(m: unknown): string {
    const {
      id = null,
      method,
      params = [],
    } = (m ?? {}) as {
      id?: unknown;
      method?: unknown;
      params?: unknown[];
    };
    try {
      if (typeof method !== 'string') throw new RpcFailure(-32600, 'invalid request');
      const result = this.#call(method, Array.isArray(params) ? params : []);
      return JSON.stringify({ jsonrpc: '2.0', id, result });
    } catch (e) {
      const f =
        e instanceof RpcFailure
          ? e
          : isKeelError(e)
            ? new RpcFailure(-32000, e.message)
            : new RpcFailure(-32603, (e as Error).message);
      return JSON.stringify({ jsonrpc: '2.0', id, error: { code: f.code, message: f.message } });
    }
  }

  #blockNumber(tag: unknown): bigint {
    const head = this.#node.chain.head.number;
    if (tag === undefined || tag === 'latest' || tag === 'pending' || tag === 'safe') return head;
    if (tag === 'finalized') return this.#node.chain.postedHead;
    if (tag === 'earliest') return 0n;
    if (typeof tag === 'string' && /^0x[0-9a-f]+$/i.test(tag)) return BigInt(tag);
    throw new RpcFailure(-32602, `invalid block tag ${JSON.stringify(tag)}`);
  }

  #blockJSON(n: bigint, full: boolean) {
    const c = this.#node.chain;
    const h = c.header(n);
    if (!h) return null;
    const b = c.block(n);
    const txs = b
      ? b.receipts.map((r, i) =>
          full
            ? {
                hash: hex(r.txHash),
                from: hex(r.from),
                to: r.to ? hex(r.to) : null,
                nonce: q(r.nonce),
                blockNumber: q(n),
                blockHash: hex(h.hash),
                transactionIndex: q(i),
                type: q(r.type),
                input: hex(b.data.txs[i]!),
                value: '0x0',
                gas: q(r.gasUsed),
              }
            : hex(r.txHash),
        )
      : [];
    return {
      number: q(n),
      hash: hex(h.hash),
      parentHash: hex(h.parentHash),
      timestamp: q(h.timestamp),
      stateRoot: hex(h.stateRoot),
      transactionsRoot: hex(h.txsRoot),
      receiptsRoot: ZERO32,
      logsBloom: hex(new Uint8Array(256)),
      miner: hex(this.#node.params.coinbase),
      gasLimit: q(this.#node.params.gasLimit),
      gasUsed: q(h.gasUsed),
      baseFeePerGas: '0x0',
      difficulty: '0x0',
      totalDifficulty: '0x0',
      nonce: '0x0000000000000000',
      mixHash: hex(h.parentHash),
      sha3Uncles: ZERO32,
      uncles: [],
      extraData: '0x',
      size: '0x0',
      l1Origin: q(h.l1Origin),
      transactions: txs,
    };
  }

  #callObject(o: unknown) {
    const c = (o ?? {}) as Record<string, string | undefined>;
    return {
      from: c.from ? hexToBytes(c.from) : undefined,
      to: c.to ? hexToBytes(c.to) : null,
      data: hexToBytes(c.data ?? c.input ?? '0x'),
      value: BigInt(c.value ?? '0x0'),
      gas: c.gas ? BigInt(c.gas) : undefined,
    };
  }

  #run(o: unknown) {
    const r = this.#node.call(this.#callObject(o));
    if (!r.valid) throw new RpcFailure(-32000, r.message);
    if (r.status !== 1) throw new RpcFailure(3, 'execution reverted');
    return r;
  }

  #call(method: string, p: unknown[]): unknown {
    const node = this.#node;
    const st = node.chain.state;
    switch (method) {
      case 'eth_chainId':
        return q(node.params.chainId);
      case 'net_version':
        return node.params.chainId.toString();
      case 'web3_clientVersion':
        return 'keel-rollup/0.1.0';
      case 'eth_blockNumber':
        return q(node.chain.head.number);
      case 'eth_getBalance':
        return q(st.getBalance(hexToBytes(String(p[0]))));
      case 'eth_getTransactionCount': {
        const a = hexToBytes(String(p[0]));
        return q(p[1] === 'pending' && node.isSequencer ? node.pendingNonce(a) : st.getNonce(a));
      }
      case 'eth_getCode':
        return hex(st.getCode(hexToBytes(String(p[0]))));
      case 'eth_getStorageAt':
        return hex(
          new Uint8Array(32).map((_, i, a) =>
            Number(
              (st.getStorage(hexToBytes(String(p[0])), BigInt(String(p[1]))) >>
                BigInt(8 * (a.length - 1 - i))) &
                0xffn,
            ),
          ),
        );
      case 'eth_call':
        return hex(this.#run(p[0]).returnData);
      case 'eth_estimateGas': {
        const used = this.#run(p[0]).gasUsed;
        // the least gas that still succeeds, by bisection (refunds and the 63/64 rule)
        let lo = used - 1n;
        let hi = node.params.gasLimit;
        const ok = (g: bigint) => {
          const r = node.call({ ...this.#callObject(p[0]), gas: g });
          return r.valid && r.status === 1;
        };
        if (ok(used)) return q(used);
        while (hi - lo > 1n) {
          const mid = (lo + hi) / 2n;
          if (ok(mid)) hi = mid;
          else lo = mid;
        }
        return q(hi);
      }
      case 'eth_gasPrice':
        return q(1_000_000_000n);
      case 'eth_maxPriorityFeePerGas':
        return q(1_000_000_000n);
      case 'eth_sendRawTransaction':
        try {
          return node.submitTx(hexToBytes(String(p[0])));
        } catch (e) {
          if (isKeelError(e)) throw new RpcFailure(-32000, e.message);
          throw e;
        }
      case 'eth_getTransactionByHash': {
        const h = hexToBytes(String(p[0]));
        const at = node.chain.findTx(String(p[0]));
        if (at) {
          const b = at.block;
          const tx = decodeTransaction(b.data.txs[at.index]!);
          const where = { blockHash: b.header.hash, blockNumber: b.header.number, index: at.index };
          return txJSON(tx, h, b.receipts[at.index]!.from, where);
        }
        const pending = node.isSequencer ? node.pendingTx(h) : undefined;
        return pending ? txJSON(pending.tx, h, pending.sender, null) : null;
      }
      case 'eth_getTransactionReceipt': {
        const at = node.chain.findTx(String(p[0]));
        return at ? receiptJSON(at.block, at.index) : null;
      }
      case 'eth_getBlockByNumber':
        return this.#blockJSON(this.#blockNumber(p[0]), p[1] === true);
      case 'eth_getBlockByHash': {
        const want = hexToBytes(String(p[0]));
        for (let n = node.chain.head.number; n >= 0n; n--) {
          if (equalBytes(node.chain.getBlockHash(n)!, want))
            return this.#blockJSON(n, p[1] === true);
        }
        return null;
      }
      case 'eth_getLogs':
        return this.#logs(p[0]);
      case 'rollup_status':
        return this.#status();
      case 'rollup_getWithdrawalProof':
        return this.#withdrawalProof(String(p[0]), Number(p[1] ?? 0));
      default:
        throw new RpcFailure(-32601, `unknown method ${method}`);
    }
  }

  #logs(f: unknown) {
    const o = (f ?? {}) as {
      fromBlock?: string;
      toBlock?: string;
      address?: string | string[];
      topics?: (string | string[] | null)[];
    };
    const from = this.#blockNumber(o.fromBlock ?? 'latest');
    const to = this.#blockNumber(o.toBlock ?? 'latest');
    if (to - from > 10_000n) throw new RpcFailure(-32000, 'at most 10,000 blocks per query');
    const addrs =
      o.address === undefined ? undefined : [o.address].flat().map((a) => a.toLowerCase());
    const out: unknown[] = [];
    for (let n = from < 1n ? 1n : from; n <= to; n++) {
      const b = this.#node.chain.block(n);
      if (!b) break;
      b.receipts.forEach((_, i) => {
        for (const l of receiptJSON(b, i).logs) {
          if (addrs && !addrs.includes(l.address)) continue;
          const match = (o.topics ?? []).every(
            (t, k) => t === null || [t].flat().includes(l.topics[k]!),
          );
          if (match) out.push(l);
        }
      });
    }
    return out;
  }

  #status() {
    const n = this.#node;
    const c = n.chain;
    return {
      mode: n.opts.mode,
      head: { number: q(c.head.number), hash: hex(c.head.hash), stateRoot: hex(c.head.stateRoot) },
      postedHead: q(c.postedHead),
      l1Head: q(n.l1Head),
      pending: n.pendingCount,
      mismatches: n.mismatches,
      skipped: n.skipped,
      batches: c.batches.map((b) => ({
        index: q(b.index),
        firstBlock: q(b.firstBlock),
        lastBlock: q(b.lastBlock),
        outputRoot: hex(b.outputRoot),
        l1Block: q(b.l1Block),
      })),
      stats: n.stats.map((s) =>
        Object.fromEntries(
          Object.entries(s).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
        ),
      ),
    };
  }

  /** The proof `Bridge.finalizeWithdrawal` takes for the `k`-th withdrawal of an L2 tx. */
  #withdrawalProof(txHash: string, k: number) {
    const c = this.#node.chain;
    const at = c.findTx(txHash);
    if (!at) notFound(`unknown L2 transaction ${txHash}`);
    const batch = c.batchOfBlock(at.block.header.number);
    if (!batch) notFound(`block ${at.block.header.number} is not in a posted batch yet`);
    const { leaves } = c.outputOf(batch.firstBlock, batch.lastBlock);
    const r = at.block.receipts[at.index]!;
    const mine = at.block.withdrawals.filter((w) =>
      r.logs.some(
        (l) =>
          l.topics[1] &&
          BigInt(hex(l.topics[1])) === w.nonce &&
          equalBytes(l.address, hexToBytes('4200000000000000000000000000000000000016')),
      ),
    );
    const w = mine[k];
    if (!w) notFound(`transaction has no withdrawal ${k}`);
    const leaf = withdrawalHash(w);
    const index = leaves.findIndex((x) => equalBytes(x, leaf));
    const last = c.header(batch.lastBlock)!;
    return {
      batchIndex: q(batch.index),
      stateRoot: hex(last.stateRoot),
      l2BlockHash: hex(last.hash),
      withdrawal: {
        nonce: q(w.nonce),
        sender: hex(w.sender),
        target: hex(w.target),
        value: q(w.value),
        data: hex(w.data),
      },
      index,
      siblings: withdrawalProof(leaves, index).map(hex),
    };
  }
}
