import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTransaction } from '@keel/evm';
import { L2_BRIDGE_ADDRESS, withdrawalHash, withdrawalProof } from '@keel/rollup';
import { equalBytes, isKeelError } from '@keel/util';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';
import type { RollupNode } from './node.ts';
import { blockJSON, hex, q, receiptJSON, txJSON } from './rpcJson.ts';
import { bytesOf, dataOf, Params, quantityOf } from './rpcParams.ts';

/** Request body cap (a 128 KiB L2 tx as hex fits with room). */
const MAX_BODY = 1 << 20;
const MAX_BATCH = 100;
const MAX_TX_BYTES = 128 * 1024;
const MAX_CALL_DATA = 256 * 1024;
const MAX_LOG_RANGE = 10_000n;

/** A JSON-RPC error with its wire code (and optional data). */
class RpcFailure {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly data?: unknown,
  ) {}
}

function failureOf(e: unknown): RpcFailure {
  if (e instanceof RpcFailure) return e;
  if (isKeelError(e)) {
    const code = e.code === RollupNodeErrorCode.INVALID_PARAMS ? -32602 : -32000;
    return new RpcFailure(code, e.message, { code: e.code, ...e.meta });
  }
  return new RpcFailure(-32603, `internal error: ${(e as Error).message}`);
}

function notFound(what: string): never {
  throw new RollupNodeError(RollupNodeErrorCode.NOT_FOUND, what);
}

interface CallObject {
  from: Uint8Array | undefined;
  to: Uint8Array | null;
  data: Uint8Array;
  value: bigint;
  gas: bigint | undefined;
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
      void this.#body(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.handleText(body)));
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

  async #body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req) {
      n += (c as Buffer).length;
      if (n > MAX_BODY) {
        throw new RollupNodeError(RollupNodeErrorCode.INVALID_PARAMS, 'body too large');
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Answers one request body (a call or a batch of ≤ 100) as the JSON value to send back. */
  handleText(body: string): unknown {
    let msg: unknown;
    try {
      msg = JSON.parse(body);
    } catch {
      return { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } };
    }
    if (!Array.isArray(msg)) return this.handle(msg);
    if (msg.length > MAX_BATCH) {
      const message = `batch of ${msg.length} calls (at most ${MAX_BATCH})`;
      return { jsonrpc: '2.0', id: null, error: { code: -32600, message } };
    }
    return msg.map((m) => this.handle(m));
  }

  /** Answers one parsed JSON-RPC call. */
  handle(m: unknown): unknown {
    const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    const id = o.id ?? null;
    try {
      if (typeof o.method !== 'string') throw new RpcFailure(-32600, 'invalid request');
      if (o.params !== undefined && !Array.isArray(o.params)) {
        throw new RollupNodeError(
          RollupNodeErrorCode.INVALID_PARAMS,
          `${o.method}: params must be an array`,
        );
      }
      const result = this.#call(new Params(o.method, (o.params as unknown[]) ?? []));
      return { jsonrpc: '2.0', id, result };
    } catch (e) {
      const f = failureOf(e);
      const error = { code: f.code, message: f.message, ...(f.data ? { data: f.data } : {}) };
      return { jsonrpc: '2.0', id, error };
    }
  }

  #blockNumber(p: Params, at: number, fallback = 'latest'): bigint {
    const tag = p.list[at] ?? fallback;
    const head = this.#node.chain.head.number;
    if (tag === 'latest' || tag === 'pending' || tag === 'safe') return head;
    if (tag === 'finalized') return this.#node.chain.postedHead;
    if (tag === 'earliest') return 0n;
    if (typeof tag === 'string' && tag.startsWith('0x')) return p.quantity(at);
    p.bad(
      at,
      `must be a block number or latest|pending|safe|finalized|earliest, got ${JSON.stringify(tag)}`,
    );
  }

  /** State reads: only the head state is kept, so any other block is refused, not guessed. */
  #headState(p: Params, at: number) {
    const n = this.#blockNumber(p, at);
    const head = this.#node.chain.head.number;
    if (n !== head) {
      throw new RollupNodeError(
        RollupNodeErrorCode.UNSUPPORTED,
        `${p.method}: state of block ${n} is not kept (only the head, ${head})`,
        { block: n.toString(), head: head.toString() },
      );
    }
    return this.#node.chain.state;
  }

  #callObject(p: Params, at: number): CallObject {
    const c = p.object(at)!;
    const f = (k: string) => p.field(at, k);
    const input = c.input ?? c.data;
    return {
      from: c.from == null ? undefined : bytesOf(c.from, 20, f('from')),
      to: c.to == null ? null : bytesOf(c.to, 20, f('to')),
      data: input == null ? new Uint8Array(0) : dataOf(input, MAX_CALL_DATA, f('input')),
      value: c.value == null ? 0n : quantityOf(c.value, f('value')),
      gas: c.gas == null ? undefined : quantityOf(c.gas, f('gas')),
    };
  }

  #run(c: CallObject) {
    const r = this.#node.call(c);
    if (!r.valid) throw new RpcFailure(-32000, r.message);
    if (r.status !== 1) throw new RpcFailure(3, 'execution reverted', hex(r.returnData));
    return r;
  }

  /** The least gas that still succeeds, by bisection (refunds and the 63/64 rule). */
  #estimate(c: CallObject): bigint {
    const used = this.#run(c).gasUsed;
    const ok = (gas: bigint) => {
      const r = this.#node.call({ ...c, gas });
      return r.valid && r.status === 1;
    };
    if (ok(used)) return used;
    let lo = used;
    let hi = c.gas ?? this.#node.params.gasLimit;
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  #call(p: Params): unknown {
    const node = this.#node;
    switch (p.method) {
      case 'eth_chainId':
        return q(node.params.chainId);
      case 'net_version':
        return node.params.chainId.toString();
      case 'web3_clientVersion':
        return 'keel-rollup/0.1.0';
      case 'eth_blockNumber':
        return q(node.chain.head.number);
      case 'eth_gasPrice':
      case 'eth_maxPriorityFeePerGas':
        return q(1_000_000_000n);
      case 'eth_getBalance':
        return q(this.#headState(p, 1).getBalance(p.address(0)));
      case 'eth_getTransactionCount': {
        const a = p.address(0);
        if (p.list[1] === 'pending' && node.isSequencer) return q(node.pendingNonce(a));
        return q(this.#headState(p, 1).getNonce(a));
      }
      case 'eth_getCode':
        return hex(this.#headState(p, 1).getCode(p.address(0)));
      case 'eth_getStorageAt': {
        const a = p.address(0);
        const slot = p.quantity(1);
        const v = this.#headState(p, 2).getStorage(a, slot);
        return `0x${v.toString(16).padStart(64, '0')}`;
      }
      case 'eth_call': {
        const c = this.#callObject(p, 0);
        this.#headState(p, 1);
        return hex(this.#run(c).returnData);
      }
      case 'eth_estimateGas':
        return q(this.#estimate(this.#callObject(p, 0)));
      case 'eth_sendRawTransaction':
        return node.submitTx(p.data(0, MAX_TX_BYTES));
      case 'eth_getTransactionByHash':
        return this.#tx(p.hash(0));
      case 'eth_getTransactionReceipt': {
        const at = node.chain.findTx(p.hash(0));
        return at ? receiptJSON(at.block, at.index) : null;
      }
      case 'eth_getBlockByNumber':
        return this.#blockJSON(this.#blockNumber(p, 0), p.bool(1, false));
      case 'eth_getBlockByHash': {
        const n = node.chain.numberOf(p.hash(0));
        return n === undefined ? null : this.#blockJSON(n, p.bool(1, false));
      }
      case 'eth_getLogs':
        return this.#logs(p);
      case 'rollup_status':
        return this.#status();
      case 'rollup_getWithdrawalProof':
        return this.#withdrawalProof(p.hash(0), p.index(1, 0));
      default:
        throw new RpcFailure(-32601, `unknown method ${p.method}`);
    }
  }

  #blockJSON(n: bigint, full: boolean) {
    const { coinbase, gasLimit } = this.#node.params;
    return blockJSON(this.#node.chain, n, full, coinbase, gasLimit);
  }

  #tx(h: Uint8Array) {
    const node = this.#node;
    const at = node.chain.findTx(h);
    if (at) {
      const b = at.block;
      const tx = decodeTransaction(b.data.txs[at.index]!);
      const where = { blockHash: b.header.hash, blockNumber: b.header.number, index: at.index };
      return txJSON(tx, h, b.receipts[at.index]!.from, where);
    }
    const pending = node.isSequencer ? node.pendingTx(h) : undefined;
    return pending ? txJSON(pending.tx, h, pending.sender, null) : null;
  }

  #logs(p: Params) {
    const o = p.object(0)!;
    const f = new Params(p.method, [o.fromBlock, o.toBlock]);
    const from = this.#blockNumber(f, 0);
    const to = this.#blockNumber(f, 1);
    if (to - from > MAX_LOG_RANGE) {
      p.bad(0, `spans ${to - from + 1n} blocks (at most ${MAX_LOG_RANGE})`);
    }
    const list = (v: unknown, len: number, key: string): string[] | null => {
      if (v == null) return null;
      const vs = Array.isArray(v) ? v : [v];
      return vs.map((x) => hex(bytesOf(x, len, p.field(0, key))));
    };
    const addrs = list(o.address, 20, 'address');
    if (o.topics != null && (!Array.isArray(o.topics) || o.topics.length > 4)) {
      p.bad(0, '.topics must be an array of at most 4 entries');
    }
    const topics = ((o.topics as unknown[] | undefined) ?? []).map((t, k) =>
      list(t, 32, `topics[${k}]`),
    );
    const out: unknown[] = [];
    for (let n = from < 1n ? 1n : from; n <= to; n++) {
      const b = this.#node.chain.block(n);
      if (!b) break;
      b.receipts.forEach((_, i) => {
        for (const l of receiptJSON(b, i).logs) {
          if (addrs && !addrs.includes(l.address)) continue;
          if (topics.every((t, k) => t === null || t.includes(l.topics[k] ?? ''))) out.push(l);
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
  #withdrawalProof(txHash: Uint8Array, k: number) {
    const c = this.#node.chain;
    const at = c.findTx(txHash);
    if (!at) notFound(`unknown L2 transaction ${hex(txHash)}`);
    const batch = c.batchOfBlock(at.block.header.number);
    if (!batch) notFound(`block ${at.block.header.number} is not in a posted batch yet`);
    const { leaves } = c.outputOf(batch.firstBlock, batch.lastBlock);
    const r = at.block.receipts[at.index]!;
    // this tx's MessagePassed logs name the withdrawal nonces it initiated
    const nonces = r.logs
      .filter((l) => equalBytes(l.address, L2_BRIDGE_ADDRESS) && l.topics[1])
      .map((l) => BigInt(hex(l.topics[1]!)));
    const mine = at.block.withdrawals.filter((w) => nonces.includes(w.nonce));
    const w = mine[k];
    if (!w) notFound(`transaction ${hex(txHash)} has no withdrawal ${k} (it has ${mine.length})`);
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
