/**
 * A TemplateProvider over a Core-compatible node's JSON-RPC: `getblocktemplate` (BIP22/BIP23,
 * with the segwit rule of BIP9/BIP145) polled for changes, and `submitblock` for solutions.
 * Auth: a cookie file (`user:password`, Core's `.cookie`) or explicit user/password (HTTP Basic).
 * The response is checked field by field; anything missing or mistyped is a StratumNodeError.
 */
import { bip34HeightPrefix } from '@keel/bitcoin/consensus';
import {
  computeMerkleRoot,
  decodeTransaction,
  encodeBlockHeader,
  txid,
} from '@keel/bitcoin/primitives';
import { sha256d } from '@keel/crypto/hashes';
import {
  coinbaseMerklePath,
  encodeCoinbaseOutput,
  type NewTemplate,
  type SetNewPrevHash,
  type SubmitResult,
  type SubmitSolution,
  type TemplateListener,
  type TemplateProvider,
  targetToU256,
} from '@keel/stratum';
import {
  BufferWriter,
  concatBytes,
  hexToBytes,
  type Logger,
  nullLogger,
  reverseBytes,
  type Startable,
} from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { JsonRpcClient } from '../net/jsonRpc.ts';

export interface GbtSourceOptions {
  readonly url: string;
  readonly cookieFile?: string;
  readonly user?: string;
  readonly password?: string;
  /** Poll interval for template changes. Default 2000 ms. */
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /** Largest RPC response accepted. Default 32 MiB. */
  readonly maxResponseBytes?: number;
  readonly logger?: Logger;
  readonly coinbaseTag?: Uint8Array;
}

/** The parts of a getblocktemplate result the pool uses (BIP22/23 names). */
export interface BlockTemplateResult {
  readonly version: number;
  readonly previousblockhash: string;
  readonly transactions: ReadonlyArray<{
    data: string;
    txid?: string;
    hash?: string;
    fee?: number;
  }>;
  readonly coinbasevalue: number;
  readonly height: number;
  readonly bits: string;
  readonly curtime: number;
  readonly mintime?: number;
  readonly target: string;
  readonly default_witness_commitment?: string;
  readonly longpollid?: string;
}

interface Held {
  readonly template: NewTemplate;
  readonly gbt: BlockTemplateResult;
  readonly txs: readonly Uint8Array[];
}

const HEX = /^([0-9a-fA-F]{2})*$/;

export class GbtTemplateSource implements TemplateProvider, Startable {
  private readonly o: GbtSourceOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<TemplateListener>();
  private readonly held = new Map<bigint, Held>();
  private current: Held | undefined;
  private prev: SetNewPrevHash | undefined;
  private nextId = 1n;
  private timer: NodeJS.Timeout | undefined;
  private readonly rpc: JsonRpcClient;
  private stopped = false;

  constructor(o: GbtSourceOptions) {
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.rpc = new JsonRpcClient(o);
  }

  /** The template's transactions, serialized (a JDC declaring it, or a TDP server). */
  transactionData(templateId: bigint): readonly Uint8Array[] | undefined {
    return this.held.get(templateId)?.txs;
  }

  /** One JSON-RPC call to the node. */
  call(method: string, params: unknown[]): Promise<unknown> {
    return this.rpc.call(method, params);
  }

  async start(): Promise<void> {
    await this.poll();
    const every = this.o.pollMs ?? 2000;
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.poll().then(loop, (e) => {
          this.log.warn({ err: (e as Error).message }, 'getblocktemplate failed');
          loop();
        });
      }, every);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  subscribe(listener: TemplateListener, _max: number): () => void {
    this.listeners.add(listener);
    if (this.current && this.prev) {
      listener.onNewTemplate({ ...this.current.template, futureTemplate: true });
      listener.onSetNewPrevHash({ ...this.prev, templateId: this.current.template.templateId });
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Fetches a template; announces it when the tip or the transaction set changed. */
  async poll(): Promise<void> {
    const gbt = parseBlockTemplate(await this.call('getblocktemplate', [{ rules: ['segwit'] }]));
    const old = this.current?.gbt;
    const newTip = old === undefined || old.previousblockhash !== gbt.previousblockhash;
    if (!newTip && old.longpollid === gbt.longpollid && sameTxs(old, gbt)) return;
    const held = this.build(gbt, newTip);
    this.current = held;
    for (const l of this.listeners) l.onNewTemplate(held.template);
    if (newTip) {
      this.prev = {
        templateId: held.template.templateId,
        prevHash: reverseBytes(hexToBytes(gbt.previousblockhash)),
        headerTimestamp: Math.max(gbt.curtime, gbt.mintime ?? 0),
        nBits: Number.parseInt(gbt.bits, 16),
        target: targetToU256(BigInt(`0x${gbt.target}`)),
      };
      for (const l of this.listeners) l.onSetNewPrevHash(this.prev);
    }
  }

  private build(gbt: BlockTemplateResult, future: boolean): Held {
    const txs = gbt.transactions.map((t) => hexToBytes(t.data));
    const ids = txs.map((raw, i) => {
      const given = gbt.transactions[i]!.txid;
      const id = txid(decodeTransaction(raw));
      if (given !== undefined && reverseBytes(hexToBytes(given)).some((b, j) => b !== id[j])) {
        throw new StratumNodeError(
          StratumNodeErrorCode.TEMPLATE,
          `getblocktemplate: transaction ${i} txid ${given} does not match its data`,
        );
      }
      return id;
    });
    const outputs = gbt.default_witness_commitment
      ? [
          encodeCoinbaseOutput({
            value: 0n,
            scriptPubKey: hexToBytes(gbt.default_witness_commitment),
          }),
        ]
      : [];
    const template: NewTemplate = {
      templateId: this.nextId++,
      futureTemplate: future,
      version: gbt.version,
      coinbaseTxVersion: 2,
      coinbasePrefix: concatBytes(
        bip34HeightPrefix(gbt.height),
        this.o.coinbaseTag ?? new Uint8Array(0),
      ),
      coinbaseTxInputSequence: 0xffffffff,
      coinbaseTxValueRemaining: BigInt(gbt.coinbasevalue),
      coinbaseTxOutputs: outputs,
      coinbaseTxLocktime: 0,
      merklePath: coinbaseMerklePath(ids),
    };
    const held = { template, gbt, txs };
    this.held.set(template.templateId, held);
    if (this.held.size > 32) this.held.delete(this.held.keys().next().value!);
    return held;
  }

  async submitSolution(s: SubmitSolution): Promise<SubmitResult> {
    const held = this.held.get(s.templateId);
    if (held === undefined) return { accepted: false, reason: 'unknown-template' };
    const coinbase = decodeTransaction(s.coinbaseTx);
    const root = computeMerkleRoot([
      txid(coinbase),
      ...held.txs.map((t) => txid(decodeTransaction(t))),
    ]).root;
    const header = encodeBlockHeader({
      version: s.version | 0,
      prevBlock: reverseBytes(hexToBytes(held.gbt.previousblockhash)),
      merkleRoot: root,
      time: s.headerTimestamp,
      bits: Number.parseInt(held.gbt.bits, 16),
      nonce: s.headerNonce | 0,
    });
    const w = new BufferWriter(1024)
      .bytes(header)
      .compactSize(1 + held.txs.length)
      .bytes(s.coinbaseTx);
    for (const t of held.txs) w.bytes(t);
    const hex = Buffer.from(w.finish()).toString('hex');
    const r = await this.call('submitblock', [hex]);
    if (r === null || r === undefined) {
      return { accepted: true, blockHash: sha256d(header), height: held.gbt.height };
    }
    return { accepted: false, reason: typeof r === 'string' ? r : JSON.stringify(r) };
  }
}

function sameTxs(a: BlockTemplateResult, b: BlockTemplateResult): boolean {
  if (a.transactions.length !== b.transactions.length) return false;
  return a.transactions.every((t, i) => t.data === b.transactions[i]!.data);
}

/** Checks the getblocktemplate result shape (BIP22/23 field types). */
export function parseBlockTemplate(r: unknown): BlockTemplateResult {
  const bad = (m: string) =>
    new StratumNodeError(StratumNodeErrorCode.RPC, `getblocktemplate result: ${m}`);
  if (typeof r !== 'object' || r === null) throw bad('not an object');
  const o = r as Record<string, unknown>;
  const int = (k: string, max: number) => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw bad(`${k} must be an integer in [0, ${max}]`);
    return v;
  };
  const hex = (k: string, len?: number) => {
    const v = o[k];
    if (typeof v !== 'string' || !HEX.test(v) || (len !== undefined && v.length !== len))
      throw bad(`${k} must be ${len ? `${len} hex characters` : 'hex'}`);
    return v;
  };
  if (!Array.isArray(o.transactions)) throw bad('transactions must be an array');
  const transactions = o.transactions.map((t: unknown, i: number) => {
    const e = t as Record<string, unknown>;
    if (typeof e !== 'object' || e === null || typeof e.data !== 'string' || !HEX.test(e.data))
      throw bad(`transactions[${i}].data must be hex`);
    if (e.txid !== undefined && (typeof e.txid !== 'string' || !/^[0-9a-fA-F]{64}$/.test(e.txid)))
      throw bad(`transactions[${i}].txid must be 64 hex characters`);
    return { data: e.data, ...(typeof e.txid === 'string' ? { txid: e.txid } : {}) };
  });
  const version = o.version;
  if (typeof version !== 'number' || !Number.isInteger(version))
    throw bad('version must be an integer');
  return {
    version: version | 0,
    previousblockhash: hex('previousblockhash', 64),
    transactions,
    coinbasevalue: int('coinbasevalue', 21e14),
    height: int('height', 0x7fffffff),
    bits: hex('bits', 8),
    curtime: int('curtime', 0xffffffff),
    ...(o.mintime !== undefined ? { mintime: int('mintime', 0xffffffff) } : {}),
    target: hex('target', 64),
    ...(o.default_witness_commitment !== undefined
      ? { default_witness_commitment: hex('default_witness_commitment') }
      : {}),
    ...(typeof o.longpollid === 'string' ? { longpollid: o.longpollid } : {}),
  };
}
