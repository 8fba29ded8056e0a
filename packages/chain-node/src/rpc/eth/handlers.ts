import {
  type EthCallObject,
  type EthLogFilter,
  type EthMethodName,
  EthRpcErrorCode,
  ethMethodParams,
  ethRpcLimits,
} from '@keel/api';
import { keccak256 } from '@keel/crypto';
import {
  type EthBlockJSON,
  type EthCallParameters,
  type EthCallResult,
  ethBlockToJSON,
  ethTxToJSON,
  evmAccountAddress,
  evmChainIdOf,
  evmHeadOf,
  getEvmAccount,
  getEvmCode,
  getEvmStorage,
  isBlobNetworkForm,
  nextBaseFee,
  nextBlobBaseFee,
  wrapEthTx,
} from '@keel/ledger';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import type { WebSocket } from 'ws';
import { decodePayload } from '../../app/payload.ts';
import { sidecarToJSON } from '../../blobs/store.ts';
import type { ChainNode } from '../../node.ts';
import type { StoredReceipt } from '../../storage/store.ts';
import { EthFilters } from './filters.ts';

/** What `eth_maxPriorityFeePerGas` suggests (wei): 1 gwei. */
export const SUGGESTED_PRIORITY_FEE = 1_000_000_000n;
export const CLIENT_VERSION = 'keel/0.1.0';

export type EthReply =
  | { readonly result: unknown }
  | { readonly error: { code: number; message: string; data?: unknown } };

export class EthRpcFailure {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly data?: unknown,
  ) {}
}

const q = (n: bigint | number) => `0x${n.toString(16)}`;
const big = (s: string | undefined) => (s === undefined ? undefined : BigInt(s));
const fail = (message: string, code: number = EthRpcErrorCode.SERVER) =>
  new EthRpcFailure(code, message);

interface Sub {
  readonly ws: WebSocket;
  readonly kind: 'newHeads' | 'logs';
  readonly filter?: EthLogFilter;
}

/**
 * The Ethereum JSON-RPC of a chain node (the same HTTP + WebSocket server as the keel
 * methods): positional params validated by `@keel/api`'s `ethMethodParams`, results in the
 * execution-apis shapes, errors with Ethereum's codes (-32602 params, -32000 rejected or
 * unavailable, 3 reverted with data). State queries answer for the latest committed block only.
 */
export class EthRpc {
  private readonly subs = new Map<string, Sub>();
  private nextSub = 1;
  readonly filters: EthFilters;

  constructor(private readonly node: ChainNode) {
    this.filters = new EthFilters({
      head: () => this.head(),
      logs: (f, from, to) => this.logsInRange(f, from, to),
      blockHash: (h) => this.blockView(h)?.hash ?? null,
      pendingHashes: () =>
        node.mempool
          .select(10_000, Number.POSITIVE_INFINITY)
          .filter((t) => t.raw[0] === 0x45)
          .map((t) => `0x${t.hashHex}`),
      height: (tag) => this.height(tag),
    });
    node.listeners.add((kind, data) => {
      if (kind === 'eth') this.publish(data as { block: EthBlockJSON; receipts: StoredReceipt[] });
    });
  }

  handles(method: string): boolean {
    return Object.hasOwn(ethMethodParams, method);
  }

  async handle(method: string, params: unknown, ctx: { ws: WebSocket | null }): Promise<EthReply> {
    const schema = ethMethodParams[method as EthMethodName];
    const v = schema.safeParse(params ?? []);
    if (!v.success) {
      const msg = v.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
      return {
        error: {
          code: EthRpcErrorCode.INVALID_PARAMS,
          message: `invalid params: ${msg.join('; ')}`,
        },
      };
    }
    try {
      return { result: await this.dispatch(method as EthMethodName, v.data as unknown[], ctx) };
    } catch (e) {
      if (e instanceof EthRpcFailure)
        return {
          error: {
            code: e.code,
            message: e.message,
            ...(e.data !== undefined ? { data: e.data } : {}),
          },
        };
      if (isKeelError(e)) return { error: { code: EthRpcErrorCode.SERVER, message: e.message } };
      throw e;
    }
  }

  private get state() {
    return this.node.app.state;
  }

  private head(): number {
    return this.node.consensus.committedHeight;
  }

  private chainId(): bigint {
    const id = evmChainIdOf(this.state);
    if (id === undefined) throw fail('the EVM is not enabled on this chain');
    return id;
  }

  /** A block tag as a height (undefined: beyond the head). */
  private height(tag: string | undefined): number | undefined {
    if (
      tag === undefined ||
      tag === 'latest' ||
      tag === 'pending' ||
      tag === 'safe' ||
      tag === 'finalized'
    )
      return this.head();
    if (tag === 'earliest') return 0;
    const n = Number(BigInt(tag));
    return n > this.head() ? undefined : n;
  }

  /** State methods answer for the head only (no archive). */
  private latestOnly(tag: string | undefined): void {
    const h = this.height(tag);
    if (h === undefined) throw fail(`block ${tag} is not committed yet`);
    if (h !== this.head())
      throw fail(
        `the state of block ${h} is not kept; this node serves the latest (${this.head()})`,
      );
  }

  private blockView(h: number): EthBlockJSON | null {
    if (h === 0) {
      const g = this.node.o.genesis.eth;
      return g ? ethBlockToJSON(g) : null;
    }
    return this.node.store.info(h)?.eth ?? null;
  }

  private blockJson(h: number | undefined, full: boolean): unknown {
    if (h === undefined) return null;
    const b = this.blockView(h);
    if (!b) return null;
    const transactions = full ? b.transactions.map((t) => this.txByHash(t)) : b.transactions;
    return { ...b, totalDifficulty: '0x0', uncles: [], withdrawals: [], transactions };
  }

  private txByHash(hash: string): unknown {
    const key = hash.slice(2).toLowerCase();
    const r = this.node.store.receipt(key);
    if (r?.eth) {
      const b = this.node.store.block(r.height);
      if (!b) return null;
      const raw = decodePayload(b.payload, 100_000).txs[r.index];
      const view = this.blockView(r.height);
      if (!raw || !view) return null;
      return {
        ...ethTxToJSON(raw),
        blockHash: view.hash,
        blockNumber: q(r.height),
        transactionIndex: r.eth.transactionIndex,
        ...(view.baseFeePerGas ? { gasPrice: r.eth.effectiveGasPrice } : {}),
      };
    }
    const pending = this.node.mempool.get(key);
    if (pending && pending.raw[0] === 0x45)
      return {
        ...ethTxToJSON(pending.raw),
        blockHash: null,
        blockNumber: null,
        transactionIndex: null,
      };
    return null;
  }

  private receiptJson(r: StoredReceipt): unknown {
    const e = r.eth!;
    const view = this.blockView(r.height)!;
    const { firstLogIndex, ...rest } = e;
    return {
      ...rest,
      blockHash: view.hash,
      blockNumber: q(r.height),
      logs: e.logs.map((l, i) => ({
        ...l,
        blockHash: view.hash,
        blockNumber: q(r.height),
        transactionHash: e.transactionHash,
        transactionIndex: e.transactionIndex,
        logIndex: q(firstLogIndex + i),
        removed: false,
      })),
    };
  }

  private callParams(c: EthCallObject): EthCallParameters {
    const data = c.input ?? c.data;
    const gas = big(c.gas);
    const value = big(c.value);
    return {
      ...(c.from ? { from: hexToBytes(c.from.slice(2)) } : {}),
      to: c.to ? hexToBytes(c.to.slice(2)) : null,
      ...(data ? { data: hexToBytes(data.slice(2)) } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(gas !== undefined ? { gas } : {}),
    };
  }

  private nextBlock() {
    return { height: BigInt(this.head() + 1), time: BigInt(Date.now()) };
  }

  private callFailure(r: EthCallResult): EthRpcFailure {
    if (r.status === 'revert') {
      const data = `0x${bytesToHex(r.returnData)}`;
      return new EthRpcFailure(
        EthRpcErrorCode.EXECUTION_REVERTED,
        `execution reverted${revertReason(r.returnData)}`,
        data,
      );
    }
    return fail(r.error ?? 'the call cannot run');
  }

  private baseFee(): bigint {
    const head = evmHeadOf(this.state);
    if (!head) throw fail('the EVM is not enabled on this chain');
    return nextBaseFee(head, this.node.ledger.params);
  }

  private async sendRaw(raw: Uint8Array): Promise<string> {
    if (raw.length === 0) throw fail('empty transaction', EthRpcErrorCode.INVALID_PARAMS);
    try {
      if (isBlobNetworkForm(raw)) return `0x${(await this.node.submitBlobTx(raw)).hash}`;
      this.node.submitTx(wrapEthTx(raw));
    } catch (e) {
      if (isKeelError(e)) throw fail(e.message);
      throw e;
    }
    return `0x${bytesToHex(keccak256(raw))}`;
  }

  private blobSidecars(ref: string): unknown {
    let h: number | undefined;
    if (/^0x[0-9a-fA-F]{64}$/.test(ref)) {
      const hash = ref.slice(2).toLowerCase();
      h = this.node.store.heightOfEth(hash) ?? undefined;
    } else h = this.height(ref);
    if (h === undefined) return null;
    const retention = this.node.blobStore.retentionBlocks;
    if (h < this.head() - retention)
      throw new EthRpcFailure(
        EthRpcErrorCode.SERVER,
        `sidecars of block ${h} are pruned (retention ${retention} blocks)`,
        { reason: 'pruned', block: q(h), retentionBlocks: retention },
      );
    const txs = this.node.sync.blobTxsAt(h) ?? [];
    const sidecars = txs.map((t) => this.node.blobStore.get(t.txHash));
    const missing = sidecars.filter((s) => s === null).length;
    if (missing > 0)
      throw new EthRpcFailure(
        EthRpcErrorCode.SERVER,
        `sidecars of block ${h} are not available here yet (${missing} of ${txs.length} blob transactions; sidecar sync is fetching them from peers)`,
        { reason: 'unavailable', block: q(h) },
      );
    return sidecars.flatMap((s) => sidecarToJSON(s!));
  }

  private dispatch(method: EthMethodName, p: unknown[], ctx: { ws: WebSocket | null }): unknown {
    switch (method) {
      case 'eth_chainId':
        return q(this.chainId());
      case 'eth_accounts':
        // The node holds no user keys: clients sign locally (as geth without unlocked accounts).
        return [];
      case 'net_version':
        return this.chainId().toString();
      case 'web3_clientVersion':
        return CLIENT_VERSION;
      case 'eth_blockNumber':
        return q(this.head());
      case 'eth_gasPrice':
        return q(this.baseFee() + SUGGESTED_PRIORITY_FEE);
      case 'eth_maxPriorityFeePerGas':
        return q(SUGGESTED_PRIORITY_FEE);
      case 'eth_blobBaseFee': {
        const head = evmHeadOf(this.state);
        if (!head) throw fail('the EVM is not enabled on this chain');
        return q(nextBlobBaseFee(head));
      }
      case 'eth_getBlockByNumber':
        return this.blockJson(this.height(p[0] as string), (p[1] as boolean) ?? false);
      case 'eth_getBlockByHash': {
        const hash = (p[0] as string).slice(2).toLowerCase();
        const g = this.node.o.genesis.eth;
        const h =
          g && bytesToHex(g.hash) === hash ? 0 : (this.node.store.heightOfEth(hash) ?? undefined);
        return this.blockJson(h, (p[1] as boolean) ?? false);
      }
      case 'eth_getBalance':
        this.latestOnly(p[1] as string | undefined);
        return q(getEvmAccount(this.state, addr(p[0])).balance);
      case 'eth_getTransactionCount': {
        const a = addr(p[0]);
        const nonce = getEvmAccount(this.state, a).nonce;
        if (p[1] === 'pending')
          return q(this.node.mempool.pendingNonce(bytesToHex(evmAccountAddress(a)), nonce));
        this.latestOnly(p[1] as string | undefined);
        return q(nonce);
      }
      case 'eth_getCode':
        this.latestOnly(p[1] as string | undefined);
        return `0x${bytesToHex(getEvmCode(this.state, addr(p[0])))}`;
      case 'eth_getStorageAt': {
        this.latestOnly(p[2] as string | undefined);
        const slot = BigInt(p[1] as string);
        const v = getEvmStorage(this.state, addr(p[0]), slot);
        return `0x${v.toString(16).padStart(64, '0')}`;
      }
      case 'eth_call': {
        this.latestOnly(p[1] as string | undefined);
        const r = this.node.ledger.ethCall(
          this.state,
          this.callParams(p[0] as EthCallObject),
          this.nextBlock(),
        );
        if (r.status !== 'ok') throw this.callFailure(r);
        return `0x${bytesToHex(r.returnData)}`;
      }
      case 'eth_estimateGas': {
        this.latestOnly(p[1] as string | undefined);
        const r = this.node.ledger.ethEstimateGas(
          this.state,
          this.callParams(p[0] as EthCallObject),
          this.nextBlock(),
        );
        if ('error' in r) throw this.callFailure(r.error);
        return q(r.gas);
      }
      case 'eth_feeHistory':
        return this.feeHistory(p);
      case 'eth_sendRawTransaction':
        return this.sendRaw(hexToBytes((p[0] as string).slice(2)));
      case 'blobSidecars':
        return this.blobSidecars(p[0] as string);
      case 'eth_getTransactionByHash':
        return this.txByHash(p[0] as string);
      case 'eth_getTransactionReceipt': {
        const r = this.node.store.receipt((p[0] as string).slice(2).toLowerCase());
        return r?.eth ? this.receiptJson(r) : null;
      }
      case 'eth_getLogs':
        return this.getLogs(p[0] as EthLogFilter);
      case 'eth_subscribe': {
        if (!ctx.ws) throw fail('eth_subscribe needs a WebSocket connection');
        if (this.subs.size >= ethRpcLimits.maxSubscriptions) throw fail('too many subscriptions');
        const id = q(BigInt(this.nextSub++) * 0x9e3779b97f4a7c15n);
        const kind = p[0] as 'newHeads' | 'logs';
        this.subs.set(id, {
          ws: ctx.ws,
          kind,
          ...(kind === 'logs' && p[1] ? { filter: p[1] as EthLogFilter } : {}),
        });
        return id;
      }
      case 'eth_unsubscribe':
        return this.subs.delete(p[0] as string);
      case 'eth_newFilter':
        return this.filters.newLogFilter(p[0] as EthLogFilter);
      case 'eth_newBlockFilter':
        return this.filters.newBlockFilter();
      case 'eth_newPendingTransactionFilter':
        return this.filters.newPendingFilter();
      case 'eth_getFilterChanges':
        return this.filters.changes(p[0] as string);
      case 'eth_getFilterLogs':
        return this.filters.logs(p[0] as string);
      case 'eth_uninstallFilter':
        return this.filters.uninstall(p[0] as string);
      case 'eth_syncing':
        return this.syncing();
    }
  }

  /** false, or the catch-up progress while state sync fetches blocks behind the network. */
  private syncing(): unknown {
    const sync = this.node.sync;
    const head = this.head();
    if (!sync.catchingUp || sync.targetHeight <= head) return false;
    return {
      startingBlock: q(sync.catchUpFrom),
      currentBlock: q(head),
      highestBlock: q(sync.targetHeight),
    };
  }

  private feeHistory(p: unknown[]): unknown {
    const count = Math.min(
      ethRpcLimits.maxFeeHistoryBlocks,
      typeof p[0] === 'number' ? p[0] : Number(BigInt(p[0] as string)),
    );
    const newest = this.height(p[1] as string) ?? this.head();
    const percentiles = (p[2] as number[] | undefined) ?? [];
    for (let i = 1; i < percentiles.length; i++)
      if (percentiles[i]! < percentiles[i - 1]!)
        throw fail('reward percentiles must be ascending', EthRpcErrorCode.INVALID_PARAMS);
    const oldest = Math.max(0, newest - count + 1);
    const baseFeePerGas: string[] = [];
    const gasUsedRatio: number[] = [];
    const reward: string[][] = [];
    for (let h = oldest; h <= newest; h++) {
      const b = this.blockView(h);
      if (!b) throw fail(`block ${h} has no Ethereum view`, EthRpcErrorCode.RESOURCE_NOT_FOUND);
      const base = BigInt(b.baseFeePerGas);
      baseFeePerGas.push(b.baseFeePerGas);
      gasUsedRatio.push(Number(BigInt(b.gasUsed)) / Number(BigInt(b.gasLimit)));
      if (percentiles.length > 0) reward.push(this.rewards(b, base, percentiles));
    }
    baseFeePerGas.push(
      newest === this.head()
        ? q(this.baseFee())
        : (this.blockView(newest + 1)?.baseFeePerGas ?? q(this.baseFee())),
    );
    return {
      oldestBlock: q(oldest),
      baseFeePerGas,
      gasUsedRatio,
      ...(percentiles.length > 0 ? { reward } : {}),
    };
  }

  /** Tips at the given gas-weighted percentiles of a block's transactions (geth's rule). */
  private rewards(b: EthBlockJSON, base: bigint, percentiles: number[]): string[] {
    const txs = b.transactions
      .map((t) => this.node.store.receipt(t.slice(2))?.eth)
      .filter((e) => e !== undefined)
      .map((e) => ({ tip: BigInt(e.effectiveGasPrice) - base, gas: BigInt(e.gasUsed) }))
      .sort((x, y) => (x.tip < y.tip ? -1 : x.tip > y.tip ? 1 : 0));
    if (txs.length === 0) return percentiles.map(() => '0x0');
    const total = Number(BigInt(b.gasUsed));
    return percentiles.map((pc) => {
      const threshold = (total * pc) / 100;
      let sum = 0;
      for (const t of txs) {
        sum += Number(t.gas);
        if (sum >= threshold) return q(t.tip);
      }
      return q(txs[txs.length - 1]!.tip);
    });
  }

  private getLogs(f: EthLogFilter): unknown[] {
    let from: number;
    let to: number;
    if (f.blockHash) {
      if (f.fromBlock || f.toBlock)
        throw fail('blockHash excludes fromBlock/toBlock', EthRpcErrorCode.INVALID_PARAMS);
      const hash = f.blockHash.slice(2).toLowerCase();
      const g = this.node.o.genesis.eth;
      const h = g && bytesToHex(g.hash) === hash ? 0 : this.node.store.heightOfEth(hash);
      if (h === null)
        throw fail(`unknown block ${f.blockHash}`, EthRpcErrorCode.RESOURCE_NOT_FOUND);
      from = to = h;
    } else {
      from = this.height(f.fromBlock) ?? this.head() + 1;
      to = Math.min(this.height(f.toBlock) ?? this.head(), this.head());
    }
    return this.logsInRange(f, from, to);
  }

  private logsInRange(f: EthLogFilter, from: number, to: number): unknown[] {
    if (to - from + 1 > ethRpcLimits.maxLogBlockRange)
      throw fail(`block range over ${ethRpcLimits.maxLogBlockRange} blocks`);
    const out: unknown[] = [];
    for (let h = from; h <= to; h++) {
      const b = this.blockView(h);
      if (!b || b.transactions.length === 0 || !bloomMayMatch(b.logsBloom, f)) continue;
      for (const t of b.transactions) {
        const r = this.node.store.receipt(t.slice(2));
        if (!r?.eth) continue;
        const full = this.receiptJson(r) as { logs: LogJson[] };
        for (const l of full.logs) {
          if (!logMatches(l, f)) continue;
          out.push(l);
          if (out.length > ethRpcLimits.maxLogs)
            throw fail(`query returns over ${ethRpcLimits.maxLogs} logs; narrow the range`);
        }
      }
    }
    return out;
  }

  private publish(ev: { block: EthBlockJSON; receipts: StoredReceipt[] }): void {
    for (const [id, s] of this.subs) {
      if (s.ws.readyState !== s.ws.OPEN) {
        this.subs.delete(id);
        continue;
      }
      const send = (result: unknown) =>
        s.ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'eth_subscription',
            params: { subscription: id, result },
          }),
        );
      if (s.kind === 'newHeads') {
        const header: Record<string, unknown> = { ...ev.block };
        delete header.transactions;
        delete header.size;
        send(header);
        continue;
      }
      for (const r of ev.receipts) {
        if (!r.eth) continue;
        for (const l of (this.receiptJson(r) as { logs: LogJson[] }).logs)
          if (!s.filter || logMatches(l, s.filter)) send(l);
      }
    }
  }
}

interface LogJson {
  address: string;
  topics: string[];
}

function addr(v: unknown): Uint8Array {
  return hexToBytes((v as string).slice(2));
}

function logMatches(l: LogJson, f: EthLogFilter): boolean {
  if (f.address !== undefined) {
    const want = (Array.isArray(f.address) ? f.address : [f.address]).map((a) => a.toLowerCase());
    if (want.length > 0 && !want.includes(l.address.toLowerCase())) return false;
  }
  const topics = f.topics ?? [];
  for (let i = 0; i < topics.length; i++) {
    const t = topics[i];
    if (t === null || t === undefined) continue;
    const got = l.topics[i]?.toLowerCase();
    if (got === undefined) return false;
    const alts = (Array.isArray(t) ? t : [t]).filter((x) => x !== null).map((x) => x.toLowerCase());
    if (alts.length > 0 && !alts.includes(got)) return false;
  }
  return true;
}

/** Whether the block's bloom can hold a match (false: it certainly holds none). */
function bloomMayMatch(bloomHex: string, f: EthLogFilter): boolean {
  const bloom = hexToBytes(bloomHex.slice(2));
  const has = (item: string) => {
    const h = keccak256(hexToBytes(item.slice(2)));
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
      if ((bloom[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  };
  if (f.address !== undefined) {
    const as = Array.isArray(f.address) ? f.address : [f.address];
    if (as.length > 0 && !as.some(has)) return false;
  }
  for (const t of f.topics ?? []) {
    if (t === null) continue;
    const alts = (Array.isArray(t) ? t : [t]).filter((x) => x !== null);
    if (alts.length > 0 && !alts.some(has)) return false;
  }
  return true;
}

/** `: reason` of a Solidity `Error(string)` revert, or ''. */
function revertReason(data: Uint8Array): string {
  if (data.length < 68 || bytesToHex(data.subarray(0, 4)) !== '08c379a0') return '';
  const len = Number(BigInt(`0x${bytesToHex(data.subarray(36, 68))}`));
  if (len > data.length - 68) return '';
  return `: ${new TextDecoder().decode(data.subarray(68, 68 + len))}`;
}
