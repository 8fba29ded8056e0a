import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcErrorCode } from '@keel/api';
import {
  DashboardError,
  dashboardCallGas,
  parseBitcoinEndpoint,
  parseEndpointUrl,
  screenCall,
  startDashboardServer,
} from '../../src/index.ts';

describe('endpoint flags', () => {
  it('parses --bitcoin URL, URL,user:pass and URL,cookie-path', () => {
    assert.deepEqual(parseBitcoinEndpoint('http://127.0.0.1:8332'), {
      url: 'http://127.0.0.1:8332',
      auth: { kind: 'none' },
    });
    assert.deepEqual(parseBitcoinEndpoint('http://h:1/,alice:pa:ss').auth, {
      kind: 'userpass',
      user: 'alice',
      pass: 'pa:ss',
    });
    assert.deepEqual(parseBitcoinEndpoint('http://h:1,/data/.cookie').auth, {
      kind: 'cookie',
      path: '/data/.cookie',
    });
  });
  it('rejects bad URLs with a DashboardError naming the flag', () => {
    for (const [raw, msg] of [
      ['nope', /--bitcoin: not a URL/],
      ['ftp://h', /expected an http/],
      ['http://u:p@h', /credentials after a comma/],
      ['http://h,', /empty credentials/],
      ['http://h,:pw', /empty user name/],
    ] as const) {
      assert.throws(
        () => parseBitcoinEndpoint(raw),
        (e: unknown) => {
          assert.ok(e instanceof DashboardError);
          assert.match(e.message, msg);
          return true;
        },
      );
    }
    assert.throws(() => parseEndpointUrl('ws://x', '--chain'), /--chain: expected an http/);
  });
});

describe('proxy screening', () => {
  it('allows read methods with valid params, refuses admin, sends and bad params', () => {
    assert.equal(screenCall('chain', { method: 'consensus_getStatus', params: {} }), null);
    assert.equal(
      screenCall('chain', { method: 'chain_getBlockByHeight', params: { height: 3 } }),
      null,
    );
    const code = (c: unknown) =>
      (screenCall('chain', c as never)?.error as { code: number } | undefined)?.code;
    assert.equal(
      code({ method: 'admin_banPeer', params: { peer: 'x' } }),
      RpcErrorCode.METHOD_NOT_FOUND,
    );
    assert.equal(
      code({ method: 'chain_sendTransaction', params: { raw: '00' } }),
      RpcErrorCode.METHOD_NOT_FOUND,
    );
    assert.equal(
      code({ method: 'chain_getBlockByHeight', params: { height: -1 } }),
      RpcErrorCode.INVALID_PARAMS,
    );
    assert.equal(
      code({ method: 'chain_getTransaction', params: { hash: 'zz' } }),
      RpcErrorCode.INVALID_PARAMS,
    );
    assert.equal(code('junk'), RpcErrorCode.INVALID_REQUEST);
    assert.equal(screenCall('bitcoin', { method: 'getblockchaininfo' }), null);
    assert.equal(code({ method: 'x' }), RpcErrorCode.METHOD_NOT_FOUND);
    const btc = screenCall('bitcoin', { method: 'stop' })?.error as { code: number };
    assert.equal(btc.code, RpcErrorCode.METHOD_NOT_FOUND);
  });

  it('contract_call passes only with an explicit gas limit within the dashboard cap', () => {
    const addr = 'ab'.repeat(32);
    const call = (gas?: number) =>
      screenCall('chain', {
        method: 'contract_call',
        params: { address: addr, method: 'get', ...(gas === undefined ? {} : { gas }) },
      });
    assert.equal(call(dashboardCallGas), null);
    for (const gas of [undefined, dashboardCallGas + 1]) {
      const e = call(gas)?.error as { code: number; message: string };
      assert.equal(e.code, RpcErrorCode.INVALID_PARAMS);
      assert.match(e.message, /needs gas ≤ 1000000/);
    }
    const bad = screenCall('chain', {
      method: 'contract_call',
      params: { address: addr, method: 'no spaces', gas: 10 },
    })?.error as { code: number };
    assert.equal(bad.code, RpcErrorCode.INVALID_PARAMS);
    assert.equal(
      screenCall('chain', { method: 'state_getStorage', params: { address: addr, key: '00' } }),
      null,
    );
  });

  it('the server refuses unscreened calls, oversized bodies and path traversal', async () => {
    // The chain URL points nowhere: a refused call must be answered without going upstream.
    const s = await startDashboardServer({
      chain: 'http://127.0.0.1:9',
      host: '127.0.0.1',
      port: 0,
      timeoutMs: 1000,
    });
    try {
      const post = (body: string) => fetch(`${s.url}api/chain`, { method: 'POST', body });
      const r1 = await post(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'admin_setPartitioned',
          params: { partitioned: true },
        }),
      );
      assert.equal(r1.status, 400);
      assert.match(
        ((await r1.json()) as { error: { message: string } }).error.message,
        /not proxied/,
      );
      const r2 = await post('{');
      assert.equal(r2.status, 400);
      const r3 = await post(
        JSON.stringify(Array.from({ length: 41 }, () => ({ method: 'consensus_getStatus' }))),
      );
      assert.equal(r3.status, 400);
      const r4 = await post('x'.repeat(70 * 1024)).catch(() => ({ status: 413 }));
      assert.equal(r4.status, 413);
      const r5 = await post(
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'consensus_getStatus', params: {} }),
      );
      assert.equal(r5.status, 502);
      assert.match(((await r5.json()) as { upstreamError: string }).upstreamError, /cannot reach/);
      const r6 = await fetch(`${s.url}..%2f..%2fpackage.json`);
      assert.equal(r6.status, 404);
      const page = await fetch(s.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const hooks = await (await fetch(`${s.url}vendor/hooks.js`)).text();
      assert.ok(hooks.includes('from"/vendor/preact.js"') && !hooks.includes('from"preact"'));
      const cfg = await (await fetch(`${s.url}config.json`)).json();
      assert.deepEqual(cfg, { chain: true, bitcoin: false, pool: false });
    } finally {
      await s.stop();
    }
  });
});
