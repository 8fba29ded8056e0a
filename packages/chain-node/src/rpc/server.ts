import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminMethods, type MethodName, methodParams, RpcErrorCode, rpcLimits } from '@keel/api';
import { isKeelError, type Logger, nullLogger } from '@keel/util';
import { type WebSocket, WebSocketServer } from 'ws';
import { ChainNodeErrorCode } from '../errors.ts';

export type RpcHandler = (params: never, ctx: { ws: WebSocket | null }) => unknown;

export interface RpcServerOptions {
  readonly host: string;
  readonly port: number;
  readonly handlers: Partial<Record<MethodName, RpcHandler>>;
  /** Admin methods need `Authorization: Bearer <token>` or cookie `keel_admin=<token>`. */
  readonly adminToken: string | null;
  readonly metricsText?: () => Promise<string>;
  readonly onRequest?: (method: string, seconds: number) => void;
  readonly logger?: Logger;
  /** The Ethereum methods (`eth_*`, `net_version`, `web3_*`; positional params, own errors). */
  readonly eth?: {
    handles(method: string): boolean;
    handle(
      method: string,
      params: unknown,
      ctx: { ws: WebSocket | null },
    ): Promise<
      | { readonly result: unknown }
      | { readonly error: { code: number; message: string; data?: unknown } }
    >;
  };
}

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

class RpcFailure {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly data?: unknown,
  ) {}
}

/**
 * Largest HTTP body / WebSocket message the chain node accepts: 4 MiB, so a 6-blob
 * network-form `eth_sendRawTransaction` (~1.6 MB of hex) fits with room, while anything
 * larger is a typed -32005 (HTTP 413) without being stored.
 */
export const maxRpcBodyBytes = 4 * 1024 * 1024;

/**
 * JSON-RPC 2.0 over HTTP POST and WebSocket, with `/metrics` (Prometheus) and `/health`.
 * Params are validated by the zod schemas of `@keel/api`; errors are precise (the failing
 * field and why). Limits: request body size `maxRpcBodyBytes`, batch length from `rpcLimits`.
 */
export class RpcServer {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly log: Logger;
  port = 0;

  constructor(private readonly o: RpcServerOptions) {
    this.log = o.logger ?? nullLogger;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onHttp(req, res));
    server.keepAliveTimeout = 5000;
    this.wss = new WebSocketServer({ server, maxPayload: maxRpcBodyBytes });
    this.wss.on('connection', (ws, req) => this.onWs(ws, req));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /** Every open WebSocket, for subscription fan-out. */
  sockets(): Set<WebSocket> {
    return (this.wss?.clients as Set<WebSocket>) ?? new Set();
  }

  private authorized(req: IncomingMessage): boolean {
    const t = this.o.adminToken;
    if (!t) return false;
    if (req.headers.authorization === `Bearer ${t}`) return true;
    const cookie = req.headers.cookie ?? '';
    return cookie.split(';').some((c) => c.trim() === `keel_admin=${t}`);
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/metrics' && this.o.metricsText) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(await this.o.metricsText());
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // A declared Content-Length over the limit is refused before reading anything.
    let tooBig = Number(req.headers['content-length'] ?? 0) > maxRpcBodyBytes;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit, keep draining but stop storing (the reply is a 413).
      if (tooBig || size > maxRpcBodyBytes) tooBig = true;
      else chunks.push(c);
    });
    await new Promise<void>((resolve) => {
      req.on('end', () => resolve());
      req.on('close', () => resolve());
    });
    if (tooBig) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(
        JSON.stringify(
          errorBody(null, RpcErrorCode.LIMIT_EXCEEDED, `request over ${maxRpcBodyBytes} bytes`),
        ),
      );
      return;
    }
    const body = await this.handleText(
      Buffer.concat(chunks).toString('utf8'),
      this.authorized(req),
      null,
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body === null ? '' : JSON.stringify(body));
  }

  private onWs(ws: WebSocket, req: IncomingMessage): void {
    const admin = this.authorized(req);
    ws.on('message', async (data) => {
      const body = await this.handleText(String(data), admin, ws);
      if (body !== null && ws.readyState === ws.OPEN) ws.send(JSON.stringify(body));
    });
    ws.on('error', () => ws.terminate());
  }

  async handleText(text: string, admin: boolean, ws: WebSocket | null): Promise<unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return errorBody(null, RpcErrorCode.PARSE_ERROR, 'parse error: body is not JSON');
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) return errorBody(null, RpcErrorCode.INVALID_REQUEST, 'empty batch');
      if (parsed.length > rpcLimits.maxBatch) {
        return errorBody(
          null,
          RpcErrorCode.LIMIT_EXCEEDED,
          `batch over ${rpcLimits.maxBatch} calls`,
        );
      }
      const out = await Promise.all(parsed.map((r) => this.handleOne(r, admin, ws)));
      const replies = out.filter((x) => x !== null);
      return replies.length ? replies : null;
    }
    return this.handleOne(parsed, admin, ws);
  }

  private async handleOne(raw: unknown, admin: boolean, ws: WebSocket | null): Promise<unknown> {
    const r = (raw ?? {}) as RpcRequest;
    const id = typeof r.id === 'string' || typeof r.id === 'number' ? r.id : null;
    const notification = raw !== null && typeof raw === 'object' && !('id' in raw);
    const started = performance.now();
    let method = 'invalid';
    try {
      if (
        typeof raw !== 'object' ||
        raw === null ||
        r.jsonrpc !== '2.0' ||
        typeof r.method !== 'string'
      ) {
        throw new RpcFailure(
          RpcErrorCode.INVALID_REQUEST,
          'invalid request: need jsonrpc "2.0" and a method',
        );
      }
      method = r.method;
      if (this.o.eth?.handles(method)) {
        const out = await this.o.eth.handle(method, r.params, { ws });
        if (notification) return null;
        return 'error' in out
          ? errorBody(id, out.error.code, out.error.message, out.error.data)
          : { jsonrpc: '2.0', id, result: out.result ?? null };
      }
      const schema = (methodParams as Record<string, (typeof methodParams)[MethodName]>)[method];
      const handler = this.o.handlers[method as MethodName];
      if (!schema || !handler) {
        method = 'unknown';
        throw new RpcFailure(
          RpcErrorCode.METHOD_NOT_FOUND,
          `method not found: ${String(r.method)}`,
        );
      }
      if (adminMethods.has(method as MethodName) && !admin) {
        throw new RpcFailure(RpcErrorCode.UNAUTHORIZED, `${method} needs the admin token`);
      }
      const p = Array.isArray(r.params) ? (r.params[0] ?? {}) : (r.params ?? {});
      const v = schema.safeParse(p);
      if (!v.success) {
        const msg = v.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
        throw new RpcFailure(RpcErrorCode.INVALID_PARAMS, `invalid params: ${msg.join('; ')}`);
      }
      const result = await handler(v.data as never, { ws });
      return notification ? null : { jsonrpc: '2.0', id, result: result ?? null };
    } catch (e) {
      if (notification) return null;
      if (e instanceof RpcFailure) return errorBody(id, e.code, e.message, e.data);
      if (isKeelError(e)) return errorBody(id, codeFor(e.code), e.message, { code: e.code });
      this.log.error({ method, err: String(e) }, 'rpc handler failed');
      return errorBody(id, RpcErrorCode.INTERNAL_ERROR, 'internal error');
    } finally {
      this.o.onRequest?.(method, (performance.now() - started) / 1000);
    }
  }
}

function codeFor(code: string): number {
  switch (code) {
    case ChainNodeErrorCode.TX_REJECTED:
    case ChainNodeErrorCode.INVALID_TX:
    case ChainNodeErrorCode.MEMPOOL_FULL:
      return RpcErrorCode.TX_REJECTED;
    case ChainNodeErrorCode.NOT_FOUND:
      return RpcErrorCode.NOT_FOUND;
    case ChainNodeErrorCode.NOT_SUPPORTED:
      return RpcErrorCode.NOT_SUPPORTED;
    default:
      return RpcErrorCode.INTERNAL_ERROR;
  }
}

function errorBody(id: unknown, code: number, message: string, data?: unknown) {
  return {
    jsonrpc: '2.0',
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}
