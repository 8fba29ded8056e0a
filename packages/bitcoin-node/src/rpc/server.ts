import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isKeelError, type Logger, nullLogger } from '@keel/util';
import { NodeError, NodeErrorCode } from '../chain/errors.ts';
import { blockchainMethods } from './blockchain.ts';
import type { RpcContext, RpcMethod } from './context.ts';
import { controlMethods, networkMethods } from './control.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import { miningMethods } from './mining.ts';
import { bindParams, writeJson } from './params.ts';
import { rawTransactionMethods } from './rawtransactions.ts';

export interface RpcServerOptions {
  host?: string;
  port: number;
  /** With neither user nor password set, a cookie is written here (Core's `.cookie`). */
  cookieDir?: string;
  user?: string;
  password?: string;
  /** Largest request body (default 32 MiB, Core's MAX_SIZE). */
  maxBodyBytes?: number;
  logger?: Logger;
}

/** Core's cookie user name. */
export const COOKIE_USER = '__cookie__';
export const COOKIE_FILE = '.cookie';
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

export function allMethods(): RpcMethod[] {
  const list: RpcMethod[] = [
    ...blockchainMethods,
    ...rawTransactionMethods,
    ...miningMethods,
    ...networkMethods,
  ];
  list.push(...controlMethods(() => list));
  return list;
}

interface Reply {
  status: number;
  body: unknown;
}

/**
 * Core-compatible JSON-RPC over HTTP: Basic auth (cookie or rpcuser/rpcpassword), JSON-RPC
 * 1.0 replies (`result`, `error`, `id`; HTTP 500/404/400 on errors) and 2.0 replies (HTTP 200,
 * notifications unanswered), batches, Core's error codes.
 */
export class RpcServer {
  private server: Server | undefined;
  private readonly methods = new Map<string, RpcMethod>();
  private readonly credentials: string;
  private cookiePath: string | undefined;
  private readonly log: Logger;
  private afterReply: Array<() => void> = [];

  constructor(
    private readonly o: RpcServerOptions,
    private readonly ctx: RpcContext,
  ) {
    this.log = o.logger ?? nullLogger;
    for (const m of allMethods()) this.methods.set(m.spec.name, m);
    if (o.user !== undefined || o.password !== undefined) {
      if (!o.user || !o.password) {
        throw new NodeError(NodeErrorCode.CONFIG, 'rpcuser and rpcpassword must be set together');
      }
      this.credentials = `${o.user}:${o.password}`;
    } else {
      this.credentials = `${COOKIE_USER}:${randomBytes(32).toString('hex')}`;
    }
  }

  /** Runs `fn` once the reply being written has been flushed (the `stop` method answers first). */
  whenReplied(fn: () => void): void {
    this.afterReply.push(fn);
  }

  private flushAfterReply(): void {
    const fns = this.afterReply;
    this.afterReply = [];
    for (const f of fns) f();
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.o.port;
  }

  async start(): Promise<void> {
    if (this.o.user === undefined && this.o.cookieDir) {
      this.cookiePath = join(this.o.cookieDir, COOKIE_FILE);
      writeFileSync(this.cookiePath, this.credentials, { mode: 0o600 });
    }
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        this.log.error({ err: (e as Error).message }, 'rpc request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(
          new NodeError(
            NodeErrorCode.NET,
            `cannot listen for RPC on port ${this.o.port}: ${(e as NodeJS.ErrnoException).code}`,
          ),
        ),
      );
      server.listen(this.o.port, this.o.host ?? '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    if (this.cookiePath) rmSync(this.cookiePath, { force: true });
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    // answers in progress (the `stop` call's own) finish first; idle keep-alives go now
    const closed = new Promise<void>((r) => s.close(() => r()));
    s.closeIdleConnections();
    const timer = setTimeout(() => s.closeAllConnections(), 1000);
    await closed;
    clearTimeout(timer);
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (!h?.startsWith('Basic ')) return false;
    const given = Buffer.from(Buffer.from(h.slice(6), 'base64').toString('utf8'));
    const want = Buffer.from(this.credentials);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authorized(req)) {
      // Core answers after a short delay, against brute force
      await new Promise((r) => setTimeout(r, 250));
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="jsonrpc"' });
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405);
      res.end('JSONRPC server handles only POST requests');
      return;
    }
    const body = await readBody(req, this.o.maxBodyBytes ?? DEFAULT_MAX_BODY);
    if (body === undefined) {
      res.writeHead(413);
      res.end();
      return;
    }
    const reply = await this.dispatch(body);
    if (reply.body === undefined) {
      res.writeHead(204);
      res.end();
      return;
    }
    const text = `${writeJson(reply.body)}\n`;
    // a reply that precedes shutdown tells the client not to reuse the connection
    const closing = this.afterReply.length > 0 ? { Connection: 'close' } : {};
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...closing });
    res.end(text, () => this.flushAfterReply());
  }

  /** One HTTP body: a request object or a batch array. */
  async dispatch(body: string): Promise<Reply> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 500, body: legacyError(RpcErrorCode.PARSE_ERROR, 'Parse error', null) };
    }
    if (Array.isArray(parsed)) {
      const out: unknown[] = [];
      for (const r of parsed) {
        const one = await this.execOne(r);
        if (one.body !== undefined) out.push(one.body);
      }
      return { status: 200, body: out };
    }
    return this.execOne(parsed);
  }

  private async execOne(r: unknown): Promise<Reply> {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      return {
        status: 400,
        body: legacyError(RpcErrorCode.INVALID_REQUEST, 'Invalid Request object', null),
      };
    }
    const req = r as { method?: unknown; params?: unknown; id?: unknown; jsonrpc?: unknown };
    const v2 = req.jsonrpc === '2.0';
    const id = req.id ?? null;
    const notification = v2 && !('id' in req);
    const fail = (code: number, message: string): Reply => {
      if (notification) return { status: 204, body: undefined };
      if (v2) return { status: 200, body: { jsonrpc: '2.0', error: { code, message }, id } };
      const status =
        code === RpcErrorCode.INVALID_REQUEST
          ? 400
          : code === RpcErrorCode.METHOD_NOT_FOUND
            ? 404
            : 500;
      return { status, body: legacyError(code, message, id) };
    };
    if (req.jsonrpc !== undefined && req.jsonrpc !== '1.0' && req.jsonrpc !== '2.0') {
      return fail(RpcErrorCode.INVALID_REQUEST, 'JSON-RPC version not supported');
    }
    if (typeof req.method !== 'string')
      return fail(RpcErrorCode.INVALID_REQUEST, 'Method must be a string');
    const m = this.methods.get(req.method);
    if (!m) return fail(RpcErrorCode.METHOD_NOT_FOUND, 'Method not found');
    let result: unknown;
    try {
      const args = bindParams(m.spec, req.params);
      result = await m.run(args, this.ctx);
    } catch (e) {
      if (e instanceof RpcError) return fail(e.rpcCode, e.message);
      const message = isKeelError(e) ? e.message : String((e as Error)?.message ?? e);
      this.log.warn({ method: req.method, err: message }, 'rpc method failed');
      return fail(RpcErrorCode.MISC_ERROR, message);
    }
    if (notification) return { status: 204, body: undefined };
    if (v2) return { status: 200, body: { jsonrpc: '2.0', result: result ?? null, id } };
    return { status: 200, body: { result: result ?? null, error: null, id } };
  }
}

function legacyError(code: number, message: string, id: unknown) {
  return { result: null, error: { code, message }, id };
}

function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
