import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  RevenueLedger,
  StratumErrorCode,
  splitReward,
  verifyLedgerExport,
} from '../../src/index.ts';

test('default policy 60/25/10/5: exact on round amounts, documented remainder rule on odd ones', () => {
  assert.deepEqual(splitReward(100n), { core: 60n, grants: 25n, audits: 10n, ops: 5n });
  assert.deepEqual(splitReward(625_000_000n), {
    core: 375_000_000n,
    grants: 156_250_000n,
    audits: 62_500_000n,
    ops: 31_250_000n,
  });
  // 7 sat: floors 4/1/0/0, leftover 2 to the largest fractions (grants .75, audits .70).
  assert.deepEqual(splitReward(7n), { core: 4n, grants: 2n, audits: 1n, ops: 0n });
  // 1 sat: fractions .60/.25/.10/.05 → core.
  assert.deepEqual(splitReward(1n), { core: 1n, grants: 0n, audits: 0n, ops: 0n });
  // Ties go by policy order.
  assert.deepEqual(
    splitReward(1n, {
      buckets: [
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
      ],
    }),
    { a: 1n, b: 0n },
  );
  assert.throws(
    () => splitReward(-1n),
    (e: unknown) => (e as { code?: string }).code === StratumErrorCode.LEDGER,
  );
  assert.throws(() => splitReward(1n, { buckets: [{ name: 'a', weight: 0 }] }));
  assert.throws(() => splitReward(1n, { buckets: [{ name: 'a', weight: 1.5 }] }));
});

test('property: parts sum to the amount and each is within one unit of its exact share', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 21_000_000n * 100_000_000n }),
      fc
        .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 })
        .filter((w) => w.some((x) => x > 0)),
      (amount, weights) => {
        const policy = { buckets: weights.map((weight, i) => ({ name: `b${i}`, weight })) };
        const parts = splitReward(amount, policy);
        const total = BigInt(weights.reduce((a, b) => a + b, 0));
        let sum = 0n;
        weights.forEach((w, i) => {
          const p = parts[`b${i}`]!;
          const floor = (amount * BigInt(w)) / total;
          assert.ok(p === floor || p === floor + 1n);
          sum += p;
        });
        assert.equal(sum, amount);
      },
    ),
    { numRuns: 500 },
  );
});

test('ledger export is auditable: verifies, and any edit is detected', () => {
  const l = new RevenueLedger();
  l.record({
    chain: 'namecoin',
    blockHash: 'aa'.repeat(32),
    height: 700000,
    reward: 625_000_000n,
    time: 1,
  });
  l.record({ chain: 'namecoin', blockHash: 'bb'.repeat(32), reward: 7n, time: 2 });
  l.record({ chain: 'syscoin', blockHash: 'cc'.repeat(32), reward: 1_000_000_001n, time: 3 });
  const x = l.toJSON();
  assert.deepEqual(x.totals.namecoin, {
    core: '375000004',
    grants: '156250002',
    audits: '62500001',
    ops: '31250000',
  });
  assert.deepEqual(verifyLedgerExport(JSON.parse(JSON.stringify(x))), { ok: true });
  const edited = JSON.parse(JSON.stringify(x));
  edited.entries[1].split.core = '5';
  edited.entries[1].split.grants = '1';
  assert.equal(verifyLedgerExport(edited).ok, false);
  const dropped = JSON.parse(JSON.stringify(x));
  dropped.entries.splice(1, 1);
  assert.equal(verifyLedgerExport(dropped).ok, false);
  const reward = JSON.parse(JSON.stringify(x));
  reward.entries[0].reward = '625000001';
  assert.equal(verifyLedgerExport(reward).ok, false);
});
