import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Block, txid } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import fc from 'fast-check';
import type { MempoolCore } from '../../src/mempool/core.ts';
import { key, MempoolFixture, NOW, type WalletCoin } from '../unit/mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

/** The pool's indexes agree with its entries' transactions. */
function checkInvariants(pool: MempoolCore): void {
  const entries = [...pool.state.entries()];
  let usage = 0;
  let vsize = 0;
  let fees = 0n;
  const byKey = new Map(entries.map((e) => [e.txidKey, e]));
  for (const e of entries) {
    usage += e.usage;
    vsize += e.vsize;
    fees += e.fee;
    const parents = new Set<string>();
    for (const input of e.tx.inputs) {
      assert.equal(pool.state.spender(input.prevout), e, 'spends index');
      const p = byKey.get(bytesToHex(input.prevout.txid));
      if (p) parents.add(p.txidKey);
    }
    assert.deepEqual(new Set([...e.parents].map((p) => p.txidKey)), parents, 'parents');
    for (const c of e.children)
      assert.ok(c.parents.has(e) && byKey.get(c.txidKey) === c, 'children');
    assert.ok(pool.state.ancestors(e).size + 1 <= 25, 'ancestor limit');
  }
  assert.equal(pool.state.usage, usage);
  assert.equal(pool.state.totalVsize, vsize);
  assert.equal(pool.state.fees, fees);
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('spend' as const),
    pick: fc.nat(),
    fee: fc.integer({ min: 0, max: 5000 }),
    outs: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    pick: fc.nat(),
    fee: fc.integer({ min: 0, max: 20_000 }),
  }),
  fc.record({ kind: fc.constant('block' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const) }),
);

test('random admissions, replacements, blocks and expiry keep the pool consistent', () => {
  fc.assert(
    fc.property(
      fc.array(op, { minLength: 5, maxLength: 25 }),
      fc.integer({ min: 2, max: 6 }),
      (ops, room) => {
        const probe = f.core().accept(f.spend([f.fund(100_000n)], [90_000n]), f.ctx());
        assert.ok(probe.ok);
        const pool = f.core({ maxMempoolBytes: probe.entry.usage * room });
        // Coins we may spend: confirmed ones and outputs of accepted transactions.
        const coins: WalletCoin[] = Array.from({ length: 4 }, () => f.fund(200_000n));
        let now = NOW;
        for (const o of ops) {
          now += 600;
          if (o.kind === 'spend' || o.kind === 'replace') {
            const c = coins[o.pick % coins.length]!;
            const total = c.value - BigInt(o.fee);
            const n = o.kind === 'spend' ? o.outs : 1;
            if (total < 1_000n * BigInt(n)) continue;
            const outs = Array.from({ length: n }, (_, i) =>
              i === 0 ? total - (total / BigInt(n)) * BigInt(n - 1) : total / BigInt(n),
            );
            const tx = f.spend([c], outs);
            const r = pool.accept(tx, f.ctx({ now }));
            if (r.ok) for (let v = 0; v < n; v++) coins.push(f.out(tx, v));
          } else if (o.kind === 'block') {
            const entries = [...pool.state.entries()];
            const e = entries[o.pick % Math.max(1, entries.length)];
            if (!e || e.parents.size > 0) continue;
            // Confirm e: the chainstate spends its inputs and creates its outputs.
            for (const i of e.tx.inputs) f.utxo.delete(key(i.prevout));
            e.tx.outputs.forEach((out, vout) => {
              f.utxo.set(key({ txid: e.txid, vout }), {
                value: out.value,
                scriptPubKey: out.scriptPubKey,
                height: 501,
                coinbase: false,
              });
            });
            const block: Block = { header: {} as Block['header'], txs: [e.tx] };
            pool.blockConnected(block, now, [txid(e.tx)]);
            assert.equal(pool.state.get(e.txid), undefined);
          } else {
            pool.expire(now + 330 * 3600);
          }
          checkInvariants(pool);
          assert.ok(pool.state.usage <= probe.entry.usage * room, 'size limit');
        }
      },
    ),
    { numRuns: 25 },
  );
});
