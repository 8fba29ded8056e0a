import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkBlock, contextualCheckBlock, networks } from '@keel/bitcoin/consensus';
import { decodeBlock, encodeTransaction } from '@keel/bitcoin/primitives';
import { tempDir } from '@keel/test-utils';
import { Miner } from '../../src/miner/miner.ts';
import { GbtTemplateSource, parseBlockTemplate } from '../../src/template/gbt.ts';
import { sha256d, startPool, waitFor } from '../support/fixtures.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const rev = (b: Uint8Array) => Uint8Array.from(b).reverse();

// A transaction written byte by byte: version 2, one input (prevout 11…11:0, empty scriptSig,
// final sequence), one output of 4 500 sat to OP_TRUE, locktime 0.
const TX =
  '02000000' +
  '01' +
  '11'.repeat(32) +
  '00000000' +
  '00' +
  'ffffffff' +
  '01' +
  '9411000000000000' +
  '01' +
  '51' +
  '00000000';
const TXID = sha256d(unhex(TX)); // internal order
// BIP141: witness root over [0…0 (coinbase), wtxid = txid], commitment = SHA256d(root ‖ 0³²)
const WROOT = sha256d(new Uint8Array([...new Uint8Array(32), ...TXID]));
const COMMITMENT = `6a24aa21a9ed${hex(sha256d(new Uint8Array([...WROOT, ...new Uint8Array(32)])))}`;
// regtest genesis, display order (Core's chainparams)
const GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';

/** A getblocktemplate result built from the BIP22/BIP23/BIP141 field definitions. */
function template(): Record<string, unknown> {
  return {
    capabilities: ['proposal'],
    version: 0x20000000,
    rules: ['csv', '!segwit', 'taproot'],
    vbavailable: {},
    vbrequired: 0,
    previousblockhash: GENESIS,
    transactions: [
      {
        data: TX,
        txid: hex(rev(TXID)),
        hash: hex(rev(TXID)),
        depends: [],
        fee: 500,
        sigops: 0,
        weight: 340,
      },
    ],
    coinbaseaux: {},
    coinbasevalue: 5_000_000_000 + 500,
    longpollid: `${GENESIS}1`,
    target: '7fffff0000000000000000000000000000000000000000000000000000000000',
    mintime: 1296688603,
    mutable: ['time', 'transactions', 'prevblock'],
    noncerange: '00000000ffffffff',
    sigoplimit: 80000,
    sizelimit: 4000000,
    weightlimit: 4000000,
    curtime: Math.floor(Date.now() / 1000),
    bits: '207fffff',
    height: 1,
    default_witness_commitment: COMMITMENT,
  };
}

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

async function fakeNode(
  password: string,
): Promise<{ server: Server; url: string; submitted: string[] }> {
  const submitted: string[] = [];
  const expected = `Basic ${Buffer.from(`__cookie__:${password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers.authorization !== expected) return res.writeHead(401).end();
      const { id, method, params } = JSON.parse(body);
      let result: unknown = null;
      if (method === 'getblocktemplate') {
        assert.deepEqual(params, [{ rules: ['segwit'] }]);
        result = template();
      } else if (method === 'submitblock') submitted.push(params[0]);
      else
        return res.end(
          JSON.stringify({
            id,
            result: null,
            error: { code: -32601, message: 'Method not found' },
          }),
        );
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id, result, error: null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  const a = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${a.port}`, submitted };
}

test(
  "getblocktemplate source: a miner solves the node's template and submitblock gets a valid block",
  { timeout: 60_000 },
  async () => {
    const dir = tempDir();
    stops.push(dir.cleanup);
    const cookie = join(dir.path, '.cookie');
    writeFileSync(cookie, '__cookie__:s3cret\n');
    const node = await fakeNode('s3cret');
    const source = new GbtTemplateSource({ url: node.url, cookieFile: cookie, pollMs: 200 });
    await source.start();
    stops.push(() => source.stop());
    const { pool, id } = await startPool({ provider: source, initialTarget: 1n << 244n });
    stops.push(() => pool.stop());
    const miner = new Miner({
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
    });
    await miner.start();
    stops.push(() => miner.stop());
    await waitFor(() => node.submitted.length >= 1, 30_000, 'submitblock');

    const block = decodeBlock(unhex(node.submitted[0]!));
    assert.equal(hex(rev(block.header.prevBlock)), GENESIS);
    assert.equal(block.header.bits, 0x207fffff);
    assert.equal(block.txs.length, 2);
    assert.equal(hex(encodeTransaction(block.txs[1]!)), TX);
    const cb = block.txs[0]!;
    assert.equal(
      cb.outputs.reduce((s, o) => s + o.value, 0n),
      5_000_000_500n,
    );
    assert.ok(cb.outputs.some((o) => hex(o.scriptPubKey) === COMMITMENT));
    assert.equal(cb.inputs[0]!.scriptSig[0], 0x51, 'BIP34: height 1 is OP_1');
    const params = networks.regtest;
    assert.deepEqual(checkBlock(block, params), { ok: true });
    assert.deepEqual(contextualCheckBlock(block, 1, params), { ok: true });
    await waitFor(
      () => pool.stats.blocksFound >= 1,
      10_000,
      'the pool to count the accepted block',
    );
  },
);

test('getblocktemplate source: wrong credentials and malformed results are typed errors', async () => {
  const node = await fakeNode('right');
  const bad = new GbtTemplateSource({ url: node.url, user: '__cookie__', password: 'wrong' });
  await assert.rejects(bad.start(), { code: 'ERR_STRATUM_NODE_RPC', message: /401/ });
  assert.throws(() => parseBlockTemplate({ ...template(), bits: 12 }), /bits must be 8 hex/);
  assert.throws(
    () => parseBlockTemplate({ ...template(), previousblockhash: 'zz' }),
    /previousblockhash/,
  );
  assert.throws(
    () => parseBlockTemplate({ ...template(), transactions: [{ data: 'xyz' }] }),
    /transactions\[0\]/,
  );
  assert.throws(() => parseBlockTemplate(null), /not an object/);
  assert.throws(() => parseBlockTemplate({ ...template(), coinbasevalue: -1 }), /coinbasevalue/);
});
