/**
 * The pool's HTTP endpoint: `GET /stats` (JSON: totals and per miner/worker accepted, rejected by
 * reason, hashrate estimate, blocks) and `GET /metrics` (Prometheus text from prom-client).
 */
import { createServer, type Server } from 'node:http';
import type { Startable } from '@keel/util';
import { listenAddress } from '../net/address.ts';
import type { PoolStats } from './stats.ts';

export class StatsServer implements Startable {
  private server: Server | undefined;

  constructor(
    private readonly stats: PoolStats,
    private readonly host: string,
    private readonly port: number,
    /** More JSON documents by path (e.g. `/merge-mining`, `/ledger`). */
    private readonly extra: Readonly<Record<string, () => unknown>> = {},
  ) {}

  get address(): { host: string; port: number } {
    return listenAddress(this.server);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (path === '/stats' || path === '/') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.stats.snapshot()));
      } else if (path !== undefined && this.extra[path] !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.extra[path]()));
      } else if (path === '/metrics') {
        this.stats.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.stats.registry.contentType });
            res.end(text);
          },
          () => res.writeHead(500).end(),
        );
      } else {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('not found: try /stats or /metrics\n');
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }
}
