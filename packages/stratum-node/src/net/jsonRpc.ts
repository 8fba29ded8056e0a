/**
 * A JSON-RPC 1.0 client in Bitcoin Core's dialect over HTTP(S): cookie-file or user/password
 * Basic auth, a response size limit, a timeout, and node errors surfaced with their code.
 * Used by the getblocktemplate source and the merge-mining coordinator.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';

export interface JsonRpcOptions {
  readonly url: string;
  readonly cookieFile?: string;
  readonly user?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
  /** Largest response accepted. Default 32 MiB. */
  readonly maxResponseBytes?: number;
}

export class JsonRpcClient {
  private rpcId = 0;

  constructor(private readonly o: JsonRpcOptions) {}

  private auth(): string | undefined {
    if (this.o.cookieFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(this.o.cookieFile, 'utf8').trim();
      } catch (e) {
        throw new StratumNodeError(
          StratumNodeErrorCode.RPC,
          `cannot read RPC cookie ${this.o.cookieFile}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        );
      }
      return `Basic ${Buffer.from(text).toString('base64')}`;
    }
    if (this.o.user !== undefined) {
      return `Basic ${Buffer.from(`${this.o.user}:${this.o.password ?? ''}`).toString('base64')}`;
    }
    return undefined;
  }

  /** One JSON-RPC 1.0 call (Core's dialect); errors carry the node's message. */
  call(method: string, params: unknown[]): Promise<unknown> {
    const url = new URL(this.o.url);
    const body = JSON.stringify({ jsonrpc: '1.0', id: ++this.rpcId, method, params });
    const auth = this.auth();
    const max = this.o.maxResponseBytes ?? 32 << 20;
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const fail = (m: string) => new StratumNodeError(StratumNodeErrorCode.RPC, `${method}: ${m}`);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(auth ? { authorization: auth } : {}),
          },
          timeout: this.o.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > max) {
              req.destroy();
              reject(fail(`response larger than ${max} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            if (res.statusCode === 401) return reject(fail('HTTP 401: RPC credentials rejected'));
            let parsed: { result?: unknown; error?: { code?: number; message?: string } | null };
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              return reject(fail(`HTTP ${res.statusCode}: response is not JSON`));
            }
            if (parsed.error) {
              return reject(fail(`node error ${parsed.error.code}: ${parsed.error.message}`));
            }
            resolve(parsed.result ?? null);
          });
        },
      );
      req.on('timeout', () => req.destroy(fail('timed out')));
      req.on('error', (e) => reject(e instanceof StratumNodeError ? e : fail(e.message)));
      req.end(body);
    });
  }
}
