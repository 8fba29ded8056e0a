import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { DashboardError, DashboardErrorCode } from './errors.ts';
import { type DashboardOptions, dashboardLimits } from './options.ts';
import { forward, proxyRpc, type Upstream } from './proxy.ts';

const PUBLIC = new URL('../public/', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** ESM builds of the two browser dependencies, served under /vendor/ (no bundler). */
const VENDOR: Record<string, string> = {
  'preact.js': join(dirname(require.resolve('preact')), 'preact.module.js'),
  'hooks.js': join(dirname(require.resolve('preact/hooks')), 'hooks.module.js'),
  'htm.js': join(dirname(require.resolve('htm')), 'htm.module.js'),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

// The page runs only our own scripts and talks only to this origin.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'";

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CSP,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > dashboardLimits.maxRequestBytes) {
        resolve(null);
        req.destroy();
      } else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function serveStatic(path: string, res: ServerResponse): void {
  const vendor = path.startsWith('/vendor/') ? VENDOR[path.slice(8)] : undefined;
  const rel = normalize(path === '/' ? '/index.html' : path);
  const file = vendor ?? join(PUBLIC, rel);
  if (!vendor && (rel.includes('..') || !file.startsWith(PUBLIC))) {
    send(res, 404, 'text/plain', 'not found\n');
    return;
  }
  try {
    const ext = file.slice(file.lastIndexOf('.'));
    let body: string | Buffer = readFileSync(file);
    // preact/hooks imports the bare specifier "preact"; point it at our copy (an import map
    // would need an inline script, which the CSP forbids).
    if (vendor) body = body.toString('utf8').replace(/from\s*"preact"/g, 'from"/vendor/preact.js"');
    send(res, 200, TYPES[ext] ?? 'application/octet-stream', body);
  } catch {
    send(res, 404, 'text/plain', 'not found\n');
  }
}

/** The pool's JSON documents the browser may read: `/api/<key>` → the pool's path. */
const POOL_DOCS: ReadonlyMap<string, string> = new Map([
  ['pool', '/stats'],
  ['pool/merge-mining', '/merge-mining'],
  ['pool/ledger', '/ledger'],
]);

async function handle(o: DashboardOptions, req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0]!;
  const reply = (u: Upstream) => send(res, u.status, u.contentType, u.body);
  if (req.method === 'GET' && path === '/config.json') {
    const cfg = { chain: Boolean(o.chain), bitcoin: Boolean(o.bitcoin), pool: Boolean(o.pool) };
    send(res, 200, 'application/json', JSON.stringify(cfg));
    return;
  }
  if (path.startsWith('/api/')) {
    const service = path.slice(5);
    const poolDoc = POOL_DOCS.get(service);
    if (poolDoc !== undefined && req.method === 'GET') {
      if (!o.pool) return send(res, 404, 'application/json', '{"upstreamError":"no --pool"}');
      return reply(await forward(`${o.pool}${poolDoc}`, { method: 'GET' }, o.timeoutMs));
    }
    if ((service === 'chain' || service === 'bitcoin') && req.method === 'POST') {
      const url = service === 'chain' ? o.chain : o.bitcoin?.url;
      if (!url) return send(res, 404, 'application/json', `{"upstreamError":"no --${service}"}`);
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'application/json', '{"error":"body too large"}');
      return reply(await proxyRpc(service, url, body, o.timeoutMs, o.bitcoin));
    }
    return send(res, 404, 'application/json', '{"error":"unknown endpoint"}');
  }
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
  serveStatic(path, res);
}

/**
 * `/api/chain/ws` is a byte tunnel to the chain node's WebSocket (same port as its HTTP RPC):
 * the upgrade request is re-sent with the node's Host and the two sockets are piped. The node
 * enforces its own frame limits; no admin token is ever added, so admin methods stay closed.
 */
function tunnel(chain: string, req: IncomingMessage, client: Socket, head: Buffer): void {
  const u = new URL(chain);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const up = connect(port, u.hostname);
  const kill = () => {
    client.destroy();
    up.destroy();
  };
  up.on('error', kill);
  client.on('error', kill);
  up.on('connect', () => {
    const keep = ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version'];
    const lines = [`GET ${u.pathname || '/'} HTTP/1.1`, `Host: ${u.host}`];
    for (const k of keep) {
      const v = req.headers[k];
      if (typeof v === 'string') lines.push(`${k}: ${v}`);
    }
    up.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) up.write(head);
    up.pipe(client);
    client.pipe(up);
  });
}

/** Starts the dashboard's HTTP server (static app + same-origin proxy). */
export async function startDashboardServer(o: DashboardOptions): Promise<DashboardServer> {
  const server: Server = createServer((req, res) => {
    handle(o, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${String(e)}\n`);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (o.chain && (req.url ?? '').split('?')[0] === '/api/chain/ws') {
      tunnel(o.chain, req, socket as Socket, head);
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new DashboardError(DashboardErrorCode.SERVER, `cannot listen on ${o.host}:${o.port}`, {
          cause: String(e),
        }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    url: `http://${o.host}:${port}/`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
