import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Block, txid, wtxid } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import { PolicyMempool } from '../../src/mempool/nodeMempool.ts';
import { key, MempoolFixture, NOW } from './mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

test('PolicyMempool serves the node interface with Core policy', () => {
  const pool = new PolicyMempool({
    backend: f.backend,
    coin: (o) => f.utxo.get(key(o)),
    tip: () => f.tip,
    now: () => NOW * 1000,
  });
  const coin = f.fund(100_000n);
  const parent = f.spend([coin], [90_000n]);
  const child = f.spend([f.out(parent)], [80_000n]);
  assert.ok(pool.accept(parent, { dryRun: true }).ok);
  assert.equal(pool.size, 0);
  assert.ok(pool.accept(parent).ok);
  const r = pool.accept(child);
  assert.ok(r.ok);
  assert.deepEqual(r.entry.depends, [bytesToHex(txid(parent).reverse())]);
  assert.equal(pool.get(bytesToHex(wtxid(child)))?.fee, 10_000n);
  assert.deepEqual(pool.accept(child), {
    ok: false,
    reason: 'txn-already-in-mempool',
    kind: 'known',
  });
  const dust = pool.accept(f.spend([f.fund(50_000n)], [40_000n, 1n]));
  assert.deepEqual(dust, {
    ok: false,
    reason: 'dust (tx with dust output must be 0-fee)',
    kind: 'policy',
  });
  const ghost = f.coinAt({ txid: new Uint8Array(32).fill(3), vout: 0 }, 5_000n);
  assert.equal(
    pool.accept(f.spend([ghost], [4_000n])).ok ? '' : 'missing-inputs',
    'missing-inputs',
  );
  assert.ok(pool.isSpent(coin.outpoint));
  assert.equal(pool.coin({ txid: txid(parent), vout: 0 })?.value, 90_000n);
  // Confirming the parent keeps the child, now without in-pool parents.
  pool.blockConnected({ header: {} as Block['header'], txs: [parent, parent] });
  assert.equal(pool.size, 1);
  assert.deepEqual([...pool.entries()][0]!.depends, []);
  assert.ok(pool.bytes > 0);
});
