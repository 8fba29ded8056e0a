import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RpcErrorCode } from '@keel/api';
import { RpcServer } from '@keel/chain-node';

describe('JSON-RPC server', () => {
  const server = new RpcServer({
    host: '127.0.0.1',
    port: 0,
    adminToken: 'secret',
    handlers: {
      chain_getBlockByHeight: ((p: { height: number }) => ({ height: p.height })) as never,
      admin_setPartitioned: ((p: { partitioned: boolean }) => p) as never,
    },
  });
  let url = '';
  const call = async (body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  before(async () => {
    await server.start();
    url = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.stop());

  it('answers valid calls and batches', async () => {
    const r = await call({
      jsonrpc: '2.0',
      id: 1,
      method: 'chain_getBlockByHeight',
      params: { height: 5 },
    });
    assert.deepEqual(r.body, { jsonrpc: '2.0', id: 1, result: { height: 5 } });
    const b = await call([
      { jsonrpc: '2.0', id: 1, method: 'chain_getBlockByHeight', params: [{ height: 1 }] },
      { jsonrpc: '2.0', method: 'chain_getBlockByHeight', params: { height: 2 } },
    ]);
    assert.equal(b.body.length, 1, 'notifications get no reply');
  });

  it('reports precise errors', async () => {
    const e = async (body: unknown, code: number, re: RegExp, headers = {}) => {
      const r = await call(body, headers);
      assert.equal(r.body.error.code, code, JSON.stringify(r.body));
      assert.match(r.body.error.message, re);
    };
    await e('{not json', RpcErrorCode.PARSE_ERROR, /parse error/);
    await e({ id: 1, method: 'x' }, RpcErrorCode.INVALID_REQUEST, /jsonrpc/);
    await e({ jsonrpc: '2.0', id: 1, method: 'nope' }, RpcErrorCode.METHOD_NOT_FOUND, /nope/);
    await e(
      { jsonrpc: '2.0', id: 1, method: 'chain_getBlockByHeight', params: { height: 'x' } },
      RpcErrorCode.INVALID_PARAMS,
      /height/,
    );
    await e(
      { jsonrpc: '2.0', id: 1, method: 'chain_getBlockByHeight', params: { height: 1, extra: 1 } },
      RpcErrorCode.INVALID_PARAMS,
      /extra/,
    );
    await e(
      { jsonrpc: '2.0', id: 1, method: 'admin_setPartitioned', params: { partitioned: true } },
      RpcErrorCode.UNAUTHORIZED,
      /admin token/,
    );
    const ok = await call(
      { jsonrpc: '2.0', id: 1, method: 'admin_setPartitioned', params: { partitioned: true } },
      { cookie: 'keel_admin=secret' },
    );
    assert.deepEqual(ok.body.result, { partitioned: true });
    await e(
      Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'x' })),
      RpcErrorCode.LIMIT_EXCEEDED,
      /batch/,
    );
    // A 6-blob network-form tx is ~1.6 MB of hex: a body that size is read (not a 413);
    // one past the 4 MiB limit is refused.
    const sixBlobSized = await call(`"${'a'.repeat(1_600_000)}"`);
    assert.notEqual(sixBlobSized.status, 413);
    const big = await call(`"${'a'.repeat(4 * 1024 * 1024 + 10)}"`);
    assert.equal(big.status, 413);
  });
});
