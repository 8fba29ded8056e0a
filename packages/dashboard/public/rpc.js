// Same-origin calls to the dashboard server's proxy, with the three failure kinds the views
// show: the endpoint is unreachable, it answered with an RPC error, or the answer is malformed.

/** @typedef {'unreachable' | 'rpc' | 'malformed' | 'unconfigured'} FailureKind */

export class ServiceFailure extends Error {
  /** @param {FailureKind} kind @param {string} message */
  constructor(kind, message) {
    super(message);
    this.name = 'ServiceFailure';
    this.kind = kind;
  }
}

let nextId = 1;

/** @param {Response} res */
async function readJson(res, what) {
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ServiceFailure('malformed', `${what}: answer is not JSON (HTTP ${res.status})`);
  }
  if (body && typeof body === 'object' && typeof body.upstreamError === 'string') {
    const kind = res.status === 404 ? 'unconfigured' : 'unreachable';
    throw new ServiceFailure(kind, body.upstreamError);
  }
  return body;
}

/**
 * One JSON-RPC call through `/api/<service>`.
 * @param {'chain' | 'bitcoin'} service @param {string} method @param {unknown} params
 */
export async function rpc(service, method, params) {
  const id = nextId++;
  const res = await fetch(`/api/${service}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
  }).catch((e) => {
    throw new ServiceFailure('unreachable', `dashboard server unreachable: ${e.message}`);
  });
  const body = await readJson(res, method);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ServiceFailure('malformed', `${method}: answer is not a JSON-RPC object`);
  }
  if (body.error) {
    const msg = typeof body.error.message === 'string' ? body.error.message : 'unknown error';
    throw new ServiceFailure('rpc', `${method}: ${msg} (code ${String(body.error.code)})`);
  }
  if (!('result' in body)) throw new ServiceFailure('malformed', `${method}: no result`);
  return body.result;
}

/** GET the pool's `/stats` through the proxy. */
export async function poolStats() {
  const res = await fetch('/api/pool').catch((e) => {
    throw new ServiceFailure('unreachable', `dashboard server unreachable: ${e.message}`);
  });
  const body = await readJson(res, 'pool /stats');
  if (!res.ok) throw new ServiceFailure('rpc', `pool /stats: HTTP ${res.status}`);
  return body;
}

/**
 * Checks that `v` is an object whose fields have the given types ('number', 'string',
 * 'boolean', 'array', 'object'; a trailing '?' allows null/undefined). Returns `v`.
 * @param {unknown} v @param {Record<string, string>} shape @param {string} what
 */
export function expectShape(v, shape, what) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new ServiceFailure('malformed', `${what}: expected an object, got ${typeOf(v)}`);
  }
  for (const [k, t] of Object.entries(shape)) {
    const optional = t.endsWith('?');
    const want = optional ? t.slice(0, -1) : t;
    const x = /** @type {Record<string, unknown>} */ (v)[k];
    if (optional && (x === undefined || x === null)) continue;
    if (typeOf(x) !== want) {
      throw new ServiceFailure(
        'malformed',
        `${what}: field ${k} should be ${want}, got ${typeOf(x)}`,
      );
    }
  }
  return v;
}

/** @param {unknown} v @param {string} what */
export function expectArray(v, what) {
  if (!Array.isArray(v)) {
    throw new ServiceFailure('malformed', `${what}: expected an array, got ${typeOf(v)}`);
  }
  return v;
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return 'non-finite number';
  return typeof v;
}

/**
 * GET one of the pool's optional JSON documents (`merge-mining`, `ledger`) through the proxy;
 * null when the pool does not serve it (404).
 * @param {'merge-mining' | 'ledger'} name
 */
export async function poolDoc(name) {
  const res = await fetch(`/api/pool/${name}`).catch((e) => {
    throw new ServiceFailure('unreachable', `dashboard server unreachable: ${e.message}`);
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  const body = await readJson(res, `pool /${name}`);
  if (!res.ok) throw new ServiceFailure('rpc', `pool /${name}: HTTP ${res.status}`);
  return body;
}
