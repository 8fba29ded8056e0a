import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tempDir } from '@keel/test-utils';
import fc from 'fast-check';
import { BitcoinNode } from '../../src/node/node.ts';
import { allMethods, RpcServer } from '../../src/rpc/server.ts';
import { backend } from '../fixtures/chains.ts';

const tmp = tempDir('keel-rpc-fuzz-');
let node: BitcoinNode;
let server: RpcServer;
before(async () => {
  node = new BitcoinNode({
    network: 'regtest',
    datadir: tmp.path,
    listen: false,
    rpc: false,
    secp: backend,
  });
  await node.start();
  server = new RpcServer({ port: 0 }, node.rpcContext());
});
after(async () => {
  await node.stop();
  tmp.cleanup();
});

// everything but the ones that end the process or dial out
const methods = allMethods()
  .map((m) => m.spec.name)
  .filter((n) => n !== 'stop' && n !== 'addnode');

function checkReply(r: { status: number; body: unknown }): void {
  assert.ok([200, 204, 400, 404, 500].includes(r.status), `status ${r.status}`);
  if (r.status === 204) return;
  const replies = Array.isArray(r.body) ? r.body : [r.body];
  for (const x of replies as Array<Record<string, unknown>>) {
    const err = x.error as { code: unknown; message: unknown } | null | undefined;
    if (err) {
      assert.equal(typeof err.code, 'number');
      assert.equal(typeof err.message, 'string');
    } else {
      assert.ok('result' in x);
    }
  }
}

test('random bodies: always a JSON-RPC reply with a Core error code, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (body) => {
      checkReply(await server.dispatch(body));
    }),
    { numRuns: 300 },
  );
});

test('every method with random params: a result or a numeric error code', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...methods),
      fc.oneof(
        fc.array(fc.jsonValue(), { maxLength: 4 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constant(null),
      ),
      fc.boolean(),
      async (method, params, v2) => {
        const body = JSON.stringify({ ...(v2 ? { jsonrpc: '2.0' } : {}), method, params, id: 1 });
        checkReply(await server.dispatch(body));
      },
    ),
    { numRuns: 400 },
  );
});
