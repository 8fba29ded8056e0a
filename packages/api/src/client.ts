import { KeelError } from '@keel/util';
import type { MethodName, MethodParams, MethodResults } from './schemas.ts';

/** A JSON-RPC error returned by the node (code and message as sent). */
export class RpcError extends KeelError {
  readonly rpcCode: number;
  constructor(rpcCode: number, message: string, data?: unknown) {
    super('ERR_RPC', message, { rpcCode, data });
    this.name = 'RpcError';
    this.rpcCode = rpcCode;
  }
}

export interface HttpClientOptions {
  readonly url: string;
  readonly adminToken?: string;
  readonly timeoutMs?: number;
  /** Injected for tests or old runtimes; defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface RpcClient {
  call<M extends MethodName>(method: M, params?: MethodParams<M>): Promise<MethodResults[M]>;
  batch(calls: readonly { method: MethodName; params?: unknown }[]): Promise<unknown[]>;
}

/** A typed JSON-RPC 2.0 client over HTTP (browser-safe: only `fetch`). */
export function createHttpClient(o: HttpClientOptions): RpcClient {
  const f = o.fetch ?? fetch;
  let id = 0;
  const post = async (body: unknown): Promise<unknown> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.adminToken) headers.authorization = `Bearer ${o.adminToken}`;
    const res = await f(o.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    return res.json();
  };
  const unwrap = (r: {
    result?: unknown;
    error?: { code: number; message: string; data?: unknown };
  }) => {
    if (r.error) throw new RpcError(r.error.code, r.error.message, r.error.data);
    return r.result;
  };
  return {
    async call(method, params) {
      const r = (await post({ jsonrpc: '2.0', id: ++id, method, params: params ?? {} })) as {
        result?: unknown;
        error?: { code: number; message: string };
      };
      return unwrap(r) as never;
    },
    async batch(calls) {
      const base = id;
      const body = calls.map((c, i) => ({
        jsonrpc: '2.0',
        id: base + i + 1,
        method: c.method,
        params: c.params ?? {},
      }));
      id += calls.length;
      const r = (await post(body)) as {
        id: number;
        result?: unknown;
        error?: { code: number; message: string };
      }[];
      if (!Array.isArray(r)) return [unwrap(r as never)];
      const byId = new Map(r.map((x) => [x.id, x]));
      return body.map((b) => {
        const x = byId.get(b.id);
        return x?.error ? new RpcError(x.error.code, x.error.message) : x?.result;
      });
    },
  };
}

/** The minimal WebSocket surface the subscription client needs (browser or `ws`). */
export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', fn: (e: unknown) => void): void;
}

export interface Subscription {
  readonly id: string;
  close(): void;
}

/**
 * Subscribes to `newBlocks`, `finality` or `logs` over WebSocket; `onEvent` gets each
 * notification's result. Pass a socket constructor for Node < 22 (e.g. the `ws` package).
 */
export async function subscribe(
  socket: WebSocketLike,
  topic: 'newBlocks' | 'finality' | 'logs',
  onEvent: (result: unknown) => void,
): Promise<Subscription> {
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', (e) => reject(e));
  });
  return new Promise((resolve, reject) => {
    let subId: string | null = null;
    socket.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as {
        id?: number;
        result?: { id: string };
        error?: { code: number; message: string };
        method?: string;
        params?: { subscription: string; result: unknown };
      };
      if (m.id === 1) {
        if (m.error) reject(new RpcError(m.error.code, m.error.message));
        else {
          subId = m.result!.id;
          resolve({ id: subId, close: () => socket.close() });
        }
      } else if (m.method === 'subscription' && m.params?.subscription === subId) {
        onEvent(m.params.result);
      }
    });
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { topic } }));
  });
}
