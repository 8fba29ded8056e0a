import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { txid } from '@keel/bitcoin';
import { Mempool } from '../../src/mempool/mempool.ts';
import { key, MempoolFixture, NOW } from './mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

function shell() {
  let fetched = 0;
  const mempool = new Mempool({
    backend: f.backend,
    utxos: {
      // Asynchronous, as the chainstate is.
      getCoins: async (outpoints) => {
        fetched += outpoints.length;
        await new Promise((r) => setImmediate(r));
        return outpoints.map((o) => f.utxo.get(key(o)));
      },
    },
    tip: () => f.tip,
    clock: { now: () => NOW * 1000 },
  });
  return { mempool, fetched: () => fetched };
}

test('the shell prefetches coins, admits, tests without changing, resolves orphans', async () => {
  const { mempool, fetched } = shell();
  const parent = f.spend([f.fund(100_000n)], [90_000n]);
  const child = f.spend([f.out(parent), f.fund(20_000n)], [100_000n]);
  const t = await mempool.testAccept(parent);
  assert.ok(t.ok);
  assert.equal(mempool.info().size, 0);
  const orphan = await mempool.accept(child, 'peer');
  assert.equal(orphan.result.ok ? '' : orphan.result.reason, 'bad-txns-inputs-missingorspent');
  const r = await mempool.accept(parent);
  assert.ok(r.result.ok);
  assert.deepEqual(
    r.orphansAccepted.map((e) => e.txid),
    [txid(child)],
  );
  assert.ok(fetched() > 0);
  const info = mempool.info();
  assert.equal(info.size, 2);
  assert.equal(info.totalFee, 20_000n);
  assert.equal(info.mempoolMinFee, 100n);
  const e = mempool.get(txid(parent))!;
  const ei = mempool.entryInfo(e);
  assert.equal(ei.descendantCount, 2);
  assert.equal(ei.ancestorCount, 1);
  assert.equal(ei.descendantFees, 20_000n);
  // BIP152: the mempool is a reconstruction source.
  assert.equal([...mempool.core.compactTxs()].length, 2);
});
