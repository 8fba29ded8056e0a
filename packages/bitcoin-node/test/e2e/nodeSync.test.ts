import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { hashToHex, txid } from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { BitcoinNode } from '../../src/node/node.ts';
import { backend, baseChain } from '../fixtures/chains.ts';

const tmp = tempDir('keel-sync-');
const nodes: BitcoinNode[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
  tmp.cleanup();
});

async function until(what: string, cond: () => boolean, ms = 90_000): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function node(name: string, o: { listen?: boolean; connect?: string[]; v2?: boolean } = {}) {
  const port = await freePort();
  const n = new BitcoinNode({
    network: 'regtest',
    datadir: `${tmp.path}/${name}`,
    port,
    bind: '127.0.0.1',
    listen: o.listen ?? true,
    connect: o.connect ?? [],
    rpc: false,
    v2transport: o.v2 ?? false,
    secp: backend,
    retryMs: 500,
  });
  await n.start();
  nodes.push(n);
  return { n, port };
}

const chain = baseChain(40);

test('a keel node syncs a 141-block chain of signed spends from another over v1, then relays a transaction and a block', async () => {
  const a = await node('a');
  for (const b of chain.blocks) await a.n.chain.acceptBlock(b, { requested: true });
  assert.equal(a.n.chain.height, 141);
  const b = await node('b', { listen: false, connect: [`127.0.0.1:${a.port}`] });
  await until('b to sync', () => b.n.chain.height === 141);
  const muhash = (n: BitcoinNode) => hashToHex(n.chain.cs.stats.muhash.clone().finalize());
  assert.equal(muhash(b.n), muhash(a.n));
  assert.equal(hashToHex(b.n.chain.tip.hash), hashToHex(a.n.chain.tip.hash));

  // a transaction entering a's pool reaches b's pool (inv trickle, getdata, tx)
  const next = chain.fork('relay');
  const block = next.mine({ txs: 2, inputs: 2 });
  const tx = block.txs[1]!;
  const r = a.n.mempool.accept(tx);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  a.n.peers!.relayTransaction(tx);
  await until(
    'tx in b pool',
    () => b.n.mempool.get(Buffer.from(txid(tx)).toString('hex')) !== undefined,
  );
  // b → a direction: the second transaction enters b first
  const tx2 = block.txs[2]!;
  assert.ok(b.n.mempool.accept(tx2).ok);
  b.n.peers!.relayTransaction(tx2);
  await until('tx2 in a pool', () => a.n.mempool.size === 2);

  // the block announced by headers reaches b; both pools empty
  await a.n.chain.acceptBlock(block, { requested: true });
  await until('b at 142', () => b.n.chain.height === 142);
  // b had both transactions: the compact block rebuilt from its pool, no getblocktxn
  assert.equal(b.n.peers!.compactStats.withoutRoundTrip, 1);
  assert.equal(b.n.peers!.compactStats.withRoundTrip, 0);
  assert.equal(a.n.mempool.size, 0);
  await until('b pool empty', () => b.n.mempool.size === 0);
});

test('keel ↔ keel over BIP324 v2; a v2 initiator falls back to v1 against a v1-only listener', async () => {
  const c = await node('c', { v2: true });
  for (const b of chain.blocks.slice(0, 120)) await c.n.chain.acceptBlock(b, { requested: true });
  const d = await node('d', { listen: false, v2: true, connect: [`127.0.0.1:${c.port}`] });
  await until('d to sync over v2', () => d.n.chain.height === 120);
  const [peer] = d.n.peers!.peers();
  assert.equal(peer!.transport_protocol_type, 'v2');
  assert.equal(c.n.peers!.peers()[0]!.transport_protocol_type, 'v2');
  // the v1 node from the first test refuses the v2 handshake; the dialer retries with v1
  const v1 = await node('v1only', { v2: false });
  for (const b of chain.blocks.slice(0, 10)) await v1.n.chain.acceptBlock(b, { requested: true });
  const e = await node('e', { listen: false, v2: true, connect: [`127.0.0.1:${v1.port}`] });
  await until('e to sync over v1 fallback', () => e.n.chain.height === 10);
  assert.equal(e.n.peers!.peers()[0]!.transport_protocol_type, 'v1');
});

test('competing branches: the node on the lighter one reorgs to the heavier over P2P and re-adds its transactions', async () => {
  const base = baseChain(2, 31);
  const x = base.fork('x');
  const y = base.fork('y');
  const xs = [x.mine({ txs: 2 }), x.mine({ txs: 2 })];
  const ys = [y.mine({ txs: 1 }), y.mine(), y.mine()];
  const f = await node('fx');
  const g = await node('gy');
  for (const b of [...base.blocks, ...xs]) await f.n.chain.acceptBlock(b, { requested: true });
  for (const b of [...base.blocks, ...ys]) await g.n.chain.acceptBlock(b, { requested: true });
  assert.equal(f.n.chain.height, base.height + 2);
  assert.equal(f.n.mempool.size, 0);
  await f.n.peers!.addNode(`127.0.0.1:${g.port}`, 'onetry');
  await until(
    'f reorged to y',
    () => hashToHex(f.n.chain.tip.hash) === hashToHex(g.n.chain.tip.hash),
  );
  assert.equal(f.n.chain.stats.reorgs, 1);
  // x's transactions that y did not confirm (and that still fit y's coins) are back in the pool
  const yTxids = new Set(ys.flatMap((b) => b.txs.map((t) => hashToHex(txid(t)))));
  const back = xs.flatMap((b) => b.txs.slice(1)).filter((t) => !yTxids.has(hashToHex(txid(t))));
  assert.ok(back.length > 0);
  await until('x txs re-added', () => f.n.mempool.size > 0);
  // g never moved
  assert.equal(g.n.chain.stats.reorgs, 0);
});
