import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  decodeBlock,
  encodeTransaction,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
  txid,
} from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex, SeededRng } from '@keel/util';
import Client from 'bitcoin-core';
import { BitcoinNode } from '../../src/node/node.ts';
import { RegtestKeys } from '../../src/regtest/wallet.ts';
import { replay } from '../../src/replay.ts';
import { backend, clock, now } from '../fixtures/chains.ts';

const tmp = tempDir('keel-rpc-');
let node: BitcoinNode;
let client: InstanceType<typeof Client>;
let port: number;
let auth: string;
const keys = new RegtestKeys(backend, new SeededRng(5), 1);
const script = keys.scriptPubKey('p2wpkh', 0);
const address = scriptToAddress(script, regtestAddressParams)!;

before(async () => {
  port = await freePort();
  node = new BitcoinNode({
    network: 'regtest',
    datadir: tmp.path,
    listen: false,
    rpc: { port },
    secp: backend,
  });
  await node.start();
  // Core's cookie: `__cookie__:<hex>` in the network's data folder
  auth = readFileSync(join(tmp.path, 'regtest', '.cookie'), 'utf8');
  assert.match(auth, /^__cookie__:[0-9a-f]{64}$/);
  const [username, password] = auth.split(':');
  client = new Client({ host: `http://127.0.0.1:${port}`, username, password });
});
after(async () => {
  await node.stop();
  tmp.cleanup();
});

const call = (method: string, ...params: unknown[]) => client.command(method, ...params);

async function rpcError(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; message: string };
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an RPC error');
}

function raw(
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...headers },
      },
      (res) => {
        let b = '';
        res.on('data', (c) => {
          b += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Spends coinbase output 0 of block `h` (paid to our P2WPKH key) to `to`, minus a fee. */
async function spendCoinbase(h: number, fee: bigint): Promise<Transaction> {
  const hash = await call('getblockhash', h);
  const block = (await call('getblock', hash, 2)) as {
    tx: Array<{ txid: string; vout: Array<{ value: number }> }>;
  };
  const cb = block.tx[0]!;
  const value = BigInt(Math.round(cb.vout[0]!.value * 1e8));
  const tx: Transaction = {
    version: 2,
    inputs: [
      {
        prevout: { txid: Buffer.from(cb.txid, 'hex').reverse(), vout: 0 },
        scriptSig: new Uint8Array(0),
        sequence: 0xfffffffd,
        witness: [],
      },
    ],
    outputs: [{ value: value - fee, scriptPubKey: script }],
    locktime: 0,
  };
  keys.sign(tx, [{ value, scriptPubKey: script, kind: 'p2wpkh', slot: 0 }]);
  return tx;
}

test('Core client: chain info, generatetoaddress, getblock at every verbosity, getblockheader', async () => {
  const info = (await call('getblockchaininfo')) as Record<string, unknown>;
  assert.equal(info.chain, 'regtest');
  assert.equal(info.blocks, 0);
  assert.equal(
    info.bestblockhash,
    '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
  );
  const hashes = (await call('generatetoaddress', 101, address)) as string[];
  assert.equal(hashes.length, 101);
  assert.equal(await call('getblockcount'), 101);
  assert.equal(await call('getbestblockhash'), hashes[100]);
  assert.equal(await call('getblockhash', 50), hashes[49]);
  const b1 = (await call('getblock', hashes[0], 1)) as Record<string, unknown>;
  assert.equal(b1.height, 1);
  assert.equal(b1.confirmations, 101);
  assert.equal(b1.nextblockhash, hashes[1]);
  assert.equal(b1.previousblockhash, info.bestblockhash);
  const hex = (await call('getblock', hashes[0], 0)) as string;
  const decoded = decodeBlock(Buffer.from(hex, 'hex'));
  assert.equal(bytesToHex(txid(decoded.txs[0]!).reverse()), (b1.tx as string[])[0]);
  const b2 = (await call('getblock', hashes[0], 2)) as {
    tx: Array<{ vout: Array<{ scriptPubKey: { address: string; type: string; desc: string } }> }>;
  };
  const spk = b2.tx[0]!.vout[0]!.scriptPubKey;
  assert.equal(spk.address, address);
  assert.equal(spk.type, 'witness_v0_keyhash');
  assert.match(spk.desc, /^addr\(bcrt1[a-z0-9]+\)#[a-z0-9]{8}$/);
  const h = (await call('getblockheader', hashes[0])) as Record<string, unknown>;
  assert.equal(h.hash, hashes[0]);
  assert.equal(h.nTx, 1);
  assert.equal(((await call('getblockheader', hashes[0], false)) as string).length, 160);
});

test('transactions: send, mempool views, testmempoolaccept, gettxout, template, confirmation', async () => {
  const tx = await spendCoinbase(1, 10_000n);
  const id = bytesToHex(txid(tx).reverse());
  const hex = bytesToHex(encodeTransaction(tx));
  const decoded = (await call('decoderawtransaction', hex)) as Record<string, unknown>;
  assert.equal(decoded.txid, id);
  assert.equal(decoded.vsize, 110);
  const tx2 = await spendCoinbase(2, 5_000n);
  const tested = (await call('testmempoolaccept', [bytesToHex(encodeTransaction(tx2))])) as Array<
    Record<string, unknown>
  >;
  assert.equal(tested[0]!.allowed, true);
  assert.equal(await call('getmempoolinfo').then((m) => (m as { size: number }).size), 0);
  assert.equal(await call('sendrawtransaction', hex), id);
  assert.deepEqual(await call('getrawmempool'), [id]);
  const entry = (await call('getmempoolentry', id)) as { vsize: number; fees: { base: number } };
  assert.equal(entry.vsize, 110);
  assert.equal(entry.fees.base, 0.0001);
  assert.equal(((await call('getrawtransaction', id, true)) as { txid: string }).txid, id);
  // the coin it spends is gone from the mempool view, its output is there
  const spent = (await call('getblock', await call('getblockhash', 1), 1)) as { tx: string[] };
  assert.equal(await call('gettxout', spent.tx[0], 0), null);
  assert.notEqual(await call('gettxout', spent.tx[0], 0, false), null);
  const out = (await call('gettxout', id, 0)) as { confirmations: number; value: number };
  assert.equal(out.confirmations, 0);
  const gbt = (await call('getblocktemplate', { rules: ['segwit'] })) as {
    transactions: Array<{ txid: string; fee: number }>;
    coinbasevalue: number;
    height: number;
  };
  assert.equal(gbt.height, 102);
  assert.deepEqual(
    gbt.transactions.map((t) => t.txid),
    [id],
  );
  assert.equal(gbt.coinbasevalue, 50 * 1e8 + 10_000);
  const [bh] = (await call('generatetoaddress', 1, address)) as string[];
  assert.deepEqual(await call('getrawmempool'), []);
  const confirmed = (await call('getrawtransaction', id, 1, bh)) as {
    confirmations: number;
    in_active_chain: boolean;
  };
  assert.equal(confirmed.confirmations, 1);
  assert.equal(confirmed.in_active_chain, true);
  // resending a confirmed transaction: Core's "already in utxo set"
  const again = await rpcError(call('sendrawtransaction', hex));
  assert.equal(again.code, -27);
});

test("gettxoutsetinfo's muhash equals replay of the node's own blocks", async () => {
  const stats = (await call('gettxoutsetinfo', 'muhash')) as {
    muhash: string;
    height: number;
    txouts: number;
  };
  const height = stats.height;
  const parts: Buffer[] = [];
  for (let h = 0; h <= height; h++) {
    const raw = Buffer.from(
      (await call('getblock', await call('getblockhash', h), 0)) as string,
      'hex',
    );
    const head = Buffer.alloc(8);
    Buffer.from('fabfb5da', 'hex').copy(head);
    head.writeUInt32LE(raw.length, 4);
    parts.push(head, raw);
  }
  const file = join(tmp.path, 'own.blk');
  writeFileSync(file, Buffer.concat(parts));
  const s = await replay(
    { blocks: file, datadir: join(tmp.path, 'replayed'), adjustedTime: clock },
    now,
  );
  assert.equal(s.tipHeight, height);
  assert.equal(s.muhash, stats.muhash);
  assert.equal(s.txouts, stats.txouts);
});

test('BIP23 proposals and generateblock: a valid block checks out without being stored; a mutated one names its rule', async () => {
  const height = await call('getblockcount');
  const made = (await call('generateblock', address, [], false)) as { hash: string; hex: string };
  assert.equal(await call('getblockcount'), height);
  assert.equal(await call('getblocktemplate', { mode: 'proposal', data: made.hex }), null);
  // flip a byte of the merkle root (header bytes 36..67)
  const bad = Buffer.from(made.hex, 'hex');
  bad[40] = bad[40]! ^ 1;
  assert.equal(
    await call('getblocktemplate', { mode: 'proposal', data: bad.toString('hex') }),
    'bad-txnmrklroot',
  );
  assert.equal(await call('submitblock', made.hex), null);
  assert.equal(await call('getbestblockhash'), made.hash);
  assert.equal(await call('getblocktemplate', { mode: 'proposal', data: made.hex }), 'duplicate');
  // submit=true (the default) connects it
  const mined = (await call('generateblock', address, [])) as { hash: string; hex?: string };
  assert.equal(mined.hex, undefined);
  assert.equal(await call('getbestblockhash'), mined.hash);
});

test("Core's error codes and messages for bad params, unknown methods and bad data", async () => {
  const t = await rpcError(call('getblockhash', 'x'));
  assert.equal(t.code, -3);
  assert.match(t.message, /JSON value of type string is not of expected type number/);
  const r = await rpcError(call('getblockhash', 10_000));
  assert.deepEqual(r, { code: -8, message: 'Block height out of range' });
  const h = await rpcError(call('getblock', 'abc'));
  assert.deepEqual(h, { code: -8, message: "blockhash must be of length 64 (not 3, for 'abc')" });
  const nf = await rpcError(call('getblock', '00'.repeat(32)));
  assert.deepEqual(nf, { code: -5, message: 'Block not found' });
  assert.equal((await rpcError(call('getblockcount', 1))).code, -1);
  assert.equal((await rpcError(call('nosuchmethod'))).code, -32601);
  assert.equal((await rpcError(call('decoderawtransaction', 'zz'))).code, -22);
  assert.equal((await rpcError(call('getblocktemplate', {}))).code, -8);
  assert.equal((await rpcError(call('getmempoolentry', '11'.repeat(32)))).code, -5);
});

test('HTTP: batches, JSON-RPC 2.0 replies, parse errors, auth and named parameters', async () => {
  const batch = (await client.command([
    { method: 'getblockcount' },
    { method: 'getblockhash', parameters: [0] },
  ])) as unknown[];
  assert.equal(batch[0], 104);
  assert.equal(batch[1], '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206');
  const v2 = await raw(JSON.stringify({ jsonrpc: '2.0', method: 'getblockcount', id: 7 }));
  assert.equal(v2.status, 200);
  assert.deepEqual(JSON.parse(v2.body), { jsonrpc: '2.0', result: 104, id: 7 });
  const note = await raw(JSON.stringify({ jsonrpc: '2.0', method: 'getblockcount' }));
  assert.equal(note.status, 204);
  const v2err = await raw(JSON.stringify({ jsonrpc: '2.0', method: 'nope', id: 1 }));
  assert.equal(v2err.status, 200);
  assert.equal(JSON.parse(v2err.body).error.code, -32601);
  const v1err = await raw(JSON.stringify({ method: 'nope', id: 1 }));
  assert.equal(v1err.status, 404);
  assert.deepEqual(JSON.parse(v1err.body), {
    result: null,
    error: { code: -32601, message: 'Method not found' },
    id: 1,
  });
  const parse = await raw('{not json');
  assert.equal(parse.status, 500);
  assert.equal(JSON.parse(parse.body).error.code, -32700);
  const named = await raw(JSON.stringify({ method: 'getblockhash', params: { height: 1 }, id: 2 }));
  assert.equal(JSON.parse(named.body).result, await call('getblockhash', 1));
  // amounts as Core prints them
  const info = await raw(JSON.stringify({ method: 'getmempoolinfo', id: 3 }));
  assert.match(info.body, /"minrelaytxfee":0\.00001000/);
  const bad = await raw('{}', {
    Authorization: `Basic ${Buffer.from('__cookie__:wrong').toString('base64')}`,
  });
  assert.equal(bad.status, 401);
  const help = (await call('help')) as string;
  assert.match(help, /== Blockchain ==/);
  assert.match(
    (await call('help', 'getblock')) as string,
    /^getblock "blockhash" \( verbosity \)|^getblock blockhash/,
  );
});

test('stop answers, then the node shuts down cleanly and restarts at the same tip', async () => {
  const tip = await call('getbestblockhash');
  assert.equal(await call('stop'), 'keel stopping');
  await node.stopped;
  node = new BitcoinNode({
    network: 'regtest',
    datadir: tmp.path,
    listen: false,
    rpc: { port },
    secp: backend,
  });
  await node.start();
  auth = readFileSync(join(tmp.path, 'regtest', '.cookie'), 'utf8');
  const [username, password] = auth.split(':');
  client = new Client({ host: `http://127.0.0.1:${port}`, username, password });
  assert.equal(await call('getbestblockhash'), tip);
  assert.equal(await call('getblockcount'), 104);
});
