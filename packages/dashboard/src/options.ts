import { DashboardError, DashboardErrorCode } from './errors.ts';

/** How the proxy authenticates to a Bitcoin node (Core's `user:pass` or its `.cookie` file). */
export type BitcoinAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'userpass'; readonly user: string; readonly pass: string }
  | { readonly kind: 'cookie'; readonly path: string };

export interface BitcoinEndpoint {
  readonly url: string;
  readonly auth: BitcoinAuth;
}

export interface DashboardOptions {
  /** keel chain node JSON-RPC (HTTP; WebSocket on the same port). */
  readonly chain?: string;
  readonly bitcoin?: BitcoinEndpoint;
  /** Stratum pool HTTP stats endpoint (serves `/stats`). */
  readonly pool?: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Upstream request timeout. */
  readonly timeoutMs: number;
}

export const defaultDashboardOptions = {
  host: '127.0.0.1',
  port: 8090,
  timeoutMs: 5000,
} as const;

/** Limits of the proxy (also in README). */
export const dashboardLimits = {
  /** A browser request body to the proxy. */
  maxRequestBytes: 64 * 1024,
  /** An upstream answer passed back to the browser. */
  maxResponseBytes: 8 * 1024 * 1024,
  /** Calls in one JSON-RPC batch from the browser. */
  maxBatch: 40,
} as const;

/** Checks that `raw` is an absolute http(s) URL and returns it without a trailing slash. */
export function parseEndpointUrl(raw: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new DashboardError(
      DashboardErrorCode.INVALID_CONFIG,
      `${flag}: not a URL: ${JSON.stringify(raw)}`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new DashboardError(
      DashboardErrorCode.INVALID_CONFIG,
      `${flag}: expected an http:// or https:// URL, got ${u.protocol}`,
    );
  }
  if (u.username || u.password) {
    throw new DashboardError(
      DashboardErrorCode.INVALID_CONFIG,
      `${flag}: put credentials after a comma (URL,user:pass), not in the URL`,
    );
  }
  return u.toString().replace(/\/$/, '');
}

/**
 * Parses `--bitcoin URL[,cookie-file|user:pass]`: text with a colon is `user:pass`, anything
 * else a path to Core's `.cookie` file (re-read on each call, as Core rewrites it on restart).
 */
export function parseBitcoinEndpoint(raw: string): BitcoinEndpoint {
  const comma = raw.indexOf(',');
  const url = parseEndpointUrl(comma < 0 ? raw : raw.slice(0, comma), '--bitcoin');
  if (comma < 0) return { url, auth: { kind: 'none' } };
  const cred = raw.slice(comma + 1);
  if (cred.length === 0) {
    throw new DashboardError(
      DashboardErrorCode.INVALID_CONFIG,
      '--bitcoin: empty credentials after the comma',
    );
  }
  const colon = cred.indexOf(':');
  if (colon < 0) return { url, auth: { kind: 'cookie', path: cred } };
  const user = cred.slice(0, colon);
  if (user.length === 0) {
    throw new DashboardError(DashboardErrorCode.INVALID_CONFIG, '--bitcoin: empty user name');
  }
  return { url, auth: { kind: 'userpass', user, pass: cred.slice(colon + 1) } };
}
