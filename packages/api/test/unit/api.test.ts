import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient, methodParams, type RpcError } from '@keel/api';

describe('method schemas', () => {
  it('normalise hex and name the bad field', () => {
    const ok = methodParams.state_getAccount.parse({ address: `0x${'AB'.repeat(32)}` });
    assert.equal(ok.address, 'ab'.repeat(32));
    const bad = methodParams.state_getAccount.safeParse({ address: 'ab'.repeat(20) });
    assert.equal(bad.success, false);
    assert.match(JSON.stringify(bad.error?.issues), /32 bytes of hex/);
    assert.equal(methodParams.chain_getBlockByHeight.safeParse({ height: 1.5 }).success, false);
    assert.equal(methodParams.chain_getBlockByHeight.safeParse({ height: 1, x: 1 }).success, false);
    assert.equal(
      methodParams.contract_call.safeParse({ address: 'ab'.repeat(32), method: '1x' }).success,
      false,
    );
  });
});

describe('HTTP client', () => {
  it('sends JSON-RPC 2.0, unwraps results and raises RpcError', async () => {
    const seen: unknown[] = [];
    const fake = (async (_url: string, init: { body: string; headers: Record<string, string> }) => {
      const body = JSON.parse(init.body);
      seen.push({ body, auth: init.headers.authorization });
      const reply = Array.isArray(body)
        ? body.map((b: { id: number }) => ({ jsonrpc: '2.0', id: b.id, result: b.id }))
        : body.method === 'net_peers'
          ? { jsonrpc: '2.0', id: body.id, error: { code: -32001, message: 'nope' } }
          : { jsonrpc: '2.0', id: body.id, result: { height: 7 } };
      return { json: async () => reply };
    }) as unknown as typeof fetch;
    const c = createHttpClient({ url: 'http://x', fetch: fake, adminToken: 't' });
    assert.deepEqual(await c.call('chain_getFinalized', {}), { height: 7 });
    await assert.rejects(c.call('net_peers', {}), (e: RpcError) => e.rpcCode === -32001);
    const b = await c.batch([{ method: 'mempool_status' }, { method: 'mempool_status' }]);
    assert.equal(b.length, 2);
    assert.deepEqual(seen[0], {
      body: { jsonrpc: '2.0', id: 1, method: 'chain_getFinalized', params: {} },
      auth: 'Bearer t',
    });
  });
});
