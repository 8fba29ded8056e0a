import { readFileSync } from 'node:fs';
import {
  type EthMethodName,
  ethMethodParams,
  type MethodName,
  methodParams,
  RpcErrorCode,
} from '@keel/api';
import { type BitcoinEndpoint, dashboardLimits } from './options.ts';

/**
 * Read-only chain methods the dashboard may call through the proxy (no admin, no sends).
 * `contract_call` runs a WASM method against the committed state without committing anything;
 * the proxy requires an explicit gas limit of at most {@link dashboardCallGas}.
 */
export const chainReadMethods: ReadonlySet<MethodName> = new Set<MethodName>([
  'chain_getBlockByHeight',
  'chain_getBlockByHash',
  'chain_getFinalized',
  'chain_getTransaction',
  'chain_getTransactionReceipt',
  'state_getAccount',
  'state_getStorage',
  'contract_call',
  'consensus_getValidators',
  'consensus_getStatus',
  'net_peers',
  'mempool_status',
]);

/** Read-only Ethereum methods of the chain node (state and history reads; no sends, no calls). */
export const ethReadMethods: ReadonlySet<EthMethodName> = new Set<EthMethodName>([
  'eth_chainId',
  'eth_blockNumber',
  'eth_gasPrice',
  'eth_blobBaseFee',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBalance',
  'eth_getTransactionCount',
  'eth_getCode',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
]);

/** Read-only Bitcoin Core RPC methods the dashboard may call. */
export const bitcoinReadMethods: ReadonlySet<string> = new Set([
  'getblockchaininfo',
  'getblockcount',
  'getblock',
  'getrawmempool',
  'getnetworkinfo',
  'getpeerinfo',
  'getmempoolinfo',
  'getbestblockhash',
  'getblockhash',
  'getblockheader',
]);

/** The most gas a read-only `contract_call` may burn when it comes through the dashboard. */
export const dashboardCallGas = 1_000_000;

type RpcCall = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
type RpcAnswer = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: unknown };

const reject = (id: unknown, code: number, message: string): RpcAnswer => ({
  jsonrpc: '2.0',
  id: id ?? null,
  error: { code, message },
});

/**
 * Checks one browser call against the allow-list (and, for the chain, the method's zod params
 * from @keel/api) before anything goes upstream. Returns an error answer, or null when allowed.
 */
export function screenCall(service: 'chain' | 'bitcoin', c: RpcCall): RpcAnswer | null {
  if (typeof c !== 'object' || c === null || typeof c.method !== 'string') {
    return reject(undefined, RpcErrorCode.INVALID_REQUEST, 'expected a JSON-RPC call object');
  }
  if (service === 'bitcoin') {
    if (!bitcoinReadMethods.has(c.method)) {
      return reject(c.id, RpcErrorCode.METHOD_NOT_FOUND, `not proxied: ${c.method}`);
    }
    return null;
  }
  if (ethReadMethods.has(c.method as EthMethodName)) {
    const p = ethMethodParams[c.method as EthMethodName].safeParse(c.params ?? []);
    if (!p.success) {
      const issue = p.error.issues[0];
      const at = issue?.path.length ? `param ${issue.path.join('.')}: ` : '';
      return reject(c.id, RpcErrorCode.INVALID_PARAMS, `${at}${issue?.message ?? 'bad params'}`);
    }
    return null;
  }
  const m = c.method as MethodName;
  if (!chainReadMethods.has(m)) {
    return reject(c.id, RpcErrorCode.METHOD_NOT_FOUND, `not proxied: ${c.method}`);
  }
  const p = methodParams[m].safeParse(c.params ?? {});
  if (!p.success) {
    return reject(c.id, RpcErrorCode.INVALID_PARAMS, p.error.issues[0]?.message ?? 'bad params');
  }
  if (m === 'contract_call') {
    const gas = (p.data as { gas?: number }).gas;
    if (gas === undefined || gas > dashboardCallGas) {
      return reject(
        c.id,
        RpcErrorCode.INVALID_PARAMS,
        `contract_call through the dashboard needs gas ≤ ${dashboardCallGas} (got ${gas ?? 'none'})`,
      );
    }
  }
  return null;
}

export interface Upstream {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Reads a fetch body up to `maxResponseBytes` (an oversized answer is an error, not a crash). */
async function boundedText(res: Response): Promise<string> {
  const len = Number(res.headers.get('content-length') ?? '0');
  if (len > dashboardLimits.maxResponseBytes) throw new RangeError(`answer of ${len} bytes`);
  const reader = res.body?.getReader();
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > dashboardLimits.maxResponseBytes) {
      await reader.cancel();
      throw new RangeError(`answer over ${dashboardLimits.maxResponseBytes} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

function authHeader(b: BitcoinEndpoint): string | undefined {
  const a = b.auth;
  if (a.kind === 'none') return undefined;
  const pair = a.kind === 'userpass' ? `${a.user}:${a.pass}` : readFileSync(a.path, 'utf8').trim();
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** Sends a screened body upstream; network failures come back as status 502 with the reason. */
export async function forward(
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; authorization?: string },
  timeoutMs: number,
): Promise<Upstream> {
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.authorization) headers.authorization = init.authorization;
    const res = await fetch(url, {
      method: init.method,
      headers,
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? 'text/plain',
      body: await boundedText(res),
    };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (e as Error).message;
    return {
      status: 502,
      contentType: 'application/json',
      body: JSON.stringify({ upstreamError: `cannot reach ${url}: ${reason}` }),
    };
  }
}

/** Screens a browser JSON-RPC body (one call or a batch) and forwards the allowed calls. */
export async function proxyRpc(
  service: 'chain' | 'bitcoin',
  url: string,
  text: string,
  timeoutMs: number,
  bitcoin?: BitcoinEndpoint,
): Promise<Upstream> {
  const json = (status: number, v: unknown): Upstream => ({
    status,
    contentType: 'application/json',
    body: JSON.stringify(v),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return json(400, reject(null, RpcErrorCode.PARSE_ERROR, 'request is not JSON'));
  }
  const calls = Array.isArray(parsed) ? parsed : [parsed];
  if (calls.length === 0 || calls.length > dashboardLimits.maxBatch) {
    return json(400, reject(null, RpcErrorCode.INVALID_REQUEST, 'batch of 1..40 calls'));
  }
  for (const c of calls) {
    const bad = screenCall(service, c as RpcCall);
    if (bad) return json(400, Array.isArray(parsed) ? [bad] : bad);
  }
  let authorization: string | undefined;
  try {
    authorization = bitcoin ? authHeader(bitcoin) : undefined;
  } catch (e) {
    return json(502, { upstreamError: `cannot read the cookie file: ${(e as Error).message}` });
  }
  // Core wants jsonrpc 1.0-style bodies too; both accept "2.0" with an id.
  return forward(url, { method: 'POST', body: text, authorization }, timeoutMs);
}
