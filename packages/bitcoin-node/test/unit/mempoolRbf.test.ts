import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Block, txid } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import type { AcceptResult } from '../../src/mempool/accept.ts';
import { key, MempoolFixture, NOW } from './mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

function rejected(r: AcceptResult, reason: string, detail?: RegExp): void {
  assert.equal(r.ok, false, 'expected a rejection');
  if (r.ok) return;
  assert.equal(r.reason, reason, r.detail);
  if (detail) assert.match(r.detail ?? '', detail);
}

function ok(r: AcceptResult) {
  assert.ok(r.ok, r.ok ? '' : `${r.reason} ${r.detail ?? ''}`);
  return r;
}

test('full RBF: a higher-paying conflict replaces the original and its descendants', () => {
  const pool = f.core();
  const coin = f.fund(100_000n);
  const a = f.spend([coin], [90_000n]);
  ok(pool.accept(a, f.ctx()));
  const child = f.spend([f.out(a)], [85_000n]);
  ok(pool.accept(child, f.ctx()));
  // Non-signalling (final sequence) originals are replaceable too: full RBF.
  const b = f.spend([coin], [70_000n], (t) => {
    t.inputs[0]!.sequence = 0xffffffff;
  });
  const r = ok(pool.accept(b, f.ctx()));
  assert.deepEqual(
    r.replaced.map((e) => bytesToHex(e.txid)).sort(),
    [txid(a), txid(child)].map(bytesToHex).sort(),
  );
  assert.equal(pool.state.size, 1);
  assert.ok(pool.state.get(txid(b)));
  // The replaced transactions are kept for compact block reconstruction.
  assert.equal([...pool.extraTxns.compactTxs()].length, 2);
});

test('RBF: insufficient fee (feerate, absolute fees, incremental relay fee)', () => {
  const pool = f.core();
  const coin = f.fund(100_000n);
  ok(pool.accept(f.spend([coin], [90_000n]), f.ctx()));
  rejected(
    pool.accept(f.spend([coin], [95_000n]), f.ctx()),
    'insufficient fee',
    /new feerate .* <= old feerate/,
  );
  // The same fee to another address: an equal feerate is not enough.
  const elsewhere = { value: 90_000n, scriptPubKey: f.keys.scriptPubKey('p2wpkh', 1) };
  rejected(pool.accept(f.spend([coin], [elsewhere]), f.ctx()), 'insufficient fee', /new feerate/);
  // Same size, 1 sat more: a higher feerate, but less than the incremental relay fee on top.
  rejected(
    pool.accept(f.spend([coin], [89_999n]), f.ctx()),
    'insufficient fee',
    /not enough additional fees to relay; 1 < \d+/,
  );
  // Paying less in total than a conflict plus its descendants.
  const pool2 = f.core();
  const c2 = f.fund(100_000n);
  const parent = f.spend([c2], [99_000n]);
  ok(pool2.accept(parent, f.ctx()));
  ok(pool2.accept(f.spend([f.out(parent)], [59_000n]), f.ctx())); // pays 40,000
  // A better feerate than the parent alone, but less than parent + child pay in total.
  const big = f.spend([c2], [98_000n]);
  rejected(
    pool2.accept(big, f.ctx()),
    'insufficient fee',
    /less fees than conflicting txs; 2000 < 41000/,
  );
});

test('RBF: replacement-adds-unconfirmed and bad-txns-spends-conflicting-tx', () => {
  const pool = f.core();
  const coin = f.fund(100_000n);
  const orig = f.spend([coin], [90_000n]);
  ok(pool.accept(orig, f.ctx()));
  const other = f.spend([f.fund(50_000n)], [45_000n]);
  ok(pool.accept(other, f.ctx()));
  rejected(
    pool.accept(f.spend([coin, f.out(other)], [100_000n]), f.ctx()),
    'replacement-adds-unconfirmed',
    /adds unconfirmed input, idx 1/,
  );
  rejected(
    pool.accept(f.spend([coin, f.out(orig)], [150_000n]), f.ctx()),
    'bad-txns-spends-conflicting-tx',
  );
});

test('RBF: too many potential replacements (rule 5: more than 100)', () => {
  const pool = f.core();
  const coins = Array.from({ length: 101 }, () => f.fund(20_000n));
  for (const c of coins) ok(pool.accept(f.spend([c], [19_000n]), f.ctx()));
  rejected(
    pool.accept(f.spend(coins, [1_000_000n]), f.ctx()),
    'too many potential replacements',
    /\(101 > 100\)/,
  );
  ok(pool.accept(f.spend(coins.slice(0, 100), [1_000_000n]), f.ctx()));
});

test('without full RBF a non-signalling conflict is txn-mempool-conflict; replacements can be disallowed', () => {
  const pool = f.core({ fullRbf: false });
  const coin = f.fund(100_000n);
  ok(
    pool.accept(
      f.spend([coin], [90_000n], (t) => {
        t.inputs[0]!.sequence = 0xfffffffe;
      }),
      f.ctx(),
    ),
  );
  rejected(pool.accept(f.spend([coin], [50_000n]), f.ctx()), 'txn-mempool-conflict');
  const coin2 = f.fund(100_000n);
  ok(pool.accept(f.spend([coin2], [90_000n]), f.ctx())); // signals (0xfffffffd)
  ok(pool.accept(f.spend([coin2], [50_000n]), f.ctx()));
  const coin3 = f.fund(100_000n);
  ok(pool.accept(f.spend([coin3], [90_000n]), f.ctx()));
  rejected(
    pool.accept(f.spend([coin3], [50_000n]), f.ctx({ allowReplacement: false })),
    'bip125-replacement-disallowed',
  );
});

test('ancestor and descendant limits: too-long-mempool-chain at 25', () => {
  const pool = f.core();
  let prev = f.fund(1_000_000n);
  for (let i = 0; i < 25; i++) {
    const tx = f.spend([prev], [prev.value - 1_000n]);
    ok(pool.accept(tx, f.ctx()));
    prev = f.out(tx);
  }
  rejected(
    pool.accept(f.spend([prev], [prev.value - 1_000n]), f.ctx()),
    'too-long-mempool-chain',
    /too many unconfirmed ancestors \[limit: 25\]/,
  );
  // A parent with 24 children is a 25-transaction package. A 25th child only gets in through
  // the CPFP carve-out (one ancestor, small, not TRUC); a 26th is one too many.
  const pool2 = f.core();
  const fan = f.spend(
    [f.fund(3_000_000n)],
    Array.from({ length: 27 }, () => 50_000n),
  );
  ok(pool2.accept(fan, f.ctx()));
  for (let i = 0; i < 24; i++) ok(pool2.accept(f.spend([f.out(fan, i)], [49_000n]), f.ctx()));
  rejected(
    pool2.accept(
      f.spend([f.out(fan, 24)], [49_000n], (t) => {
        t.version = 3;
      }),
      f.ctx(),
    ),
    'too-long-mempool-chain', // a v3 child gets no carve-out
  );
  ok(pool2.accept(f.spend([f.out(fan, 24)], [49_000n]), f.ctx()));
  rejected(
    pool2.accept(f.spend([f.out(fan, 25)], [49_000n]), f.ctx()),
    'too-long-mempool-chain',
    /too many descendants for tx [0-9a-f]{64} \[limit: 25\]/,
  );
  // Without a carve-out: a grandchild has two ancestors.
  const pool4 = f.core({ descendantLimit: 2 });
  const g0 = f.spend([f.fund(200_000n)], [90_000n, 90_000n]);
  ok(pool4.accept(g0, f.ctx()));
  const g1 = f.spend([f.out(g0, 0)], [89_000n]);
  ok(pool4.accept(g1, f.ctx()));
  ok(pool4.accept(f.spend([f.out(g0, 1)], [89_000n]), f.ctx())); // carve-out: 3 > 2 by one
  rejected(
    pool4.accept(f.spend([f.out(g1)], [88_000n]), f.ctx()),
    'too-long-mempool-chain',
    /too many descendants/,
  );
  // Size limits: 101,000 vbytes by default; a small limit shows the rule.
  const pool3 = f.core({ ancestorSizeLimitVBytes: 200 });
  const p = f.spend([f.fund(100_000n)], [90_000n]);
  ok(pool3.accept(p, f.ctx()));
  rejected(
    pool3.accept(f.spend([f.out(p)], [80_000n]), f.ctx()),
    'too-long-mempool-chain',
    /exceeds ancestor size limit \[limit: 200\]/,
  );
});

test('size limit: lowest descendant score evicted, rolling minimum fee raised, then decays after blocks', () => {
  const probe = f.core();
  const first = ok(probe.accept(f.spend([f.fund(100_000n)], [99_000n]), f.ctx())).entry;
  // Room for about two such transactions.
  const pool = f.core({ maxMempoolBytes: first.usage * 2 + 10 });
  const cheap = f.spend([f.fund(100_000n)], [99_800n]); // ~1.8 sat/vB
  const mid = f.spend([f.fund(100_000n)], [99_000n]);
  const rich = f.spend([f.fund(100_000n)], [95_000n]);
  ok(pool.accept(cheap, f.ctx()));
  ok(pool.accept(mid, f.ctx()));
  const r = ok(pool.accept(rich, f.ctx()));
  assert.deepEqual(
    r.trimmed.map((t) => [bytesToHex(t.entry.txid), t.reason]),
    [[bytesToHex(txid(cheap)), 'sizelimit']],
  );
  const cheapRate = (200n * 1000n) / BigInt(r.trimmed[0]!.entry.vsize);
  assert.equal(pool.minFee(NOW), cheapRate + 100n);
  // Below the new floor: mempool min fee not met.
  rejected(pool.accept(f.spend([f.fund(100_000n)], [99_800n]), f.ctx()), 'mempool min fee not met');
  // Above the floor but still the lowest score in a full pool: accepted, then trimmed itself.
  const justAbove = f.spend([f.fund(100_000n)], [99_600n]);
  const full = pool.accept(justAbove, f.ctx());
  assert.ok(!full.ok && full.reason === 'mempool full', full.ok ? 'accepted' : full.reason);
  const floor = (400n * 1000n) / BigInt(r.trimmed[0]!.entry.vsize) + 100n;
  assert.equal(pool.minFee(NOW), floor);
  // No decay without a block; after one, the floor halves every 12 h (3 h under 1/4 full).
  assert.equal(pool.minFee(NOW + 3 * 3600), floor);
  pool.blockConnected({ header: {} as Block['header'], txs: [] }, NOW);
  pool.state.removeSet([...pool.state.entries()], 'block'); // an empty pool: quarter half-life
  const decayed = pool.minFee(NOW + 3 * 3600);
  assert.ok(decayed >= floor / 2n - 1n && decayed <= floor / 2n + 1n, String(decayed));
  assert.equal(pool.minFee(NOW + 30 * 3600), 100n); // dropped to 0: the relay floor remains
});

test('expiry after 336 hours takes descendants along', () => {
  const pool = f.core();
  const a = f.spend([f.fund(100_000n)], [90_000n]);
  ok(pool.accept(a, f.ctx()));
  ok(pool.accept(f.spend([f.out(a)], [80_000n]), f.ctx({ now: NOW + 300 * 3600 })));
  ok(pool.accept(f.spend([f.fund(100_000n)], [90_000n]), f.ctx({ now: NOW + 300 * 3600 })));
  assert.equal(pool.expire(NOW + 336 * 3600).length, 0);
  const gone = pool.expire(NOW + 336 * 3600 + 1);
  assert.equal(gone.length, 2);
  assert.ok(gone.every((g) => g.reason === 'expiry'));
  assert.equal(pool.state.size, 1);
});

test('block connect removes confirmed and conflicting transactions; a reorg puts them back', () => {
  const pool = f.core();
  const coinA = f.fund(100_000n);
  const coinB = f.fund(100_000n);
  const a = f.spend([coinA], [90_000n]);
  const aChild = f.spend([f.out(a)], [80_000n]);
  const b = f.spend([coinB], [90_000n]);
  for (const tx of [a, aChild, b]) ok(pool.accept(tx, f.ctx()));
  // The block confirms a, and a different spend of coinB (a conflict for b).
  const bOther = f.spend([coinB], [95_000n]);
  const coinbase = f.spend([f.fund(1n)], [1n]);
  const block: Block = { header: {} as Block['header'], txs: [coinbase, a, bOther] };
  // The chainstate applies the block.
  f.utxo.delete(key(coinA.outpoint));
  f.utxo.delete(key(coinB.outpoint));
  f.utxo.set(key({ txid: txid(a), vout: 0 }), {
    value: 90_000n,
    scriptPubKey: a.outputs[0]!.scriptPubKey,
    height: 501,
    coinbase: false,
  });
  const res = pool.blockConnected(block, NOW);
  assert.deepEqual(
    res.confirmed.map((e) => bytesToHex(e.txid)),
    [bytesToHex(txid(a))],
  );
  assert.deepEqual(
    res.conflicts.map((e) => bytesToHex(e.txid)),
    [bytesToHex(txid(b))],
  );
  const kept = pool.state.get(txid(aChild))!;
  assert.equal(kept.parents.size, 0);
  // Reorg: the chainstate undoes the block, then the mempool re-adds its transactions.
  f.utxo.set(key(coinA.outpoint), {
    value: 100_000n,
    scriptPubKey: coinA.scriptPubKey,
    height: 100,
    coinbase: false,
  });
  f.utxo.set(key(coinB.outpoint), {
    value: 100_000n,
    scriptPubKey: coinB.scriptPubKey,
    height: 100,
    coinbase: false,
  });
  f.utxo.delete(key({ txid: txid(a), vout: 0 }));
  pool.blocksDisconnected([block], f.ctx());
  assert.ok(pool.state.get(txid(a)), 'a re-added');
  assert.ok(pool.state.get(txid(bOther)), 'the block conflict re-added');
  assert.ok(pool.state.get(txid(aChild)), 'the child stays, its parent back in the pool');
  assert.equal(pool.state.get(txid(aChild))!.parents.size, 1);
});

test('reorg re-add bypasses the fee floors; entries invalid at the new tip leave', () => {
  const pool = f.core({ minRelayTxFee: 5000n });
  const cheap = f.spend([f.fund(100_000n)], [99_990n]);
  assert.equal(pool.accept(cheap, f.ctx()).ok, false);
  pool.blocksDisconnected([{ header: {} as Block['header'], txs: [cheap, cheap] }], f.ctx());
  assert.ok(pool.state.get(txid(cheap)), 'low-fee block transaction back in the pool');
  // A mempool spend of a coinbase that the reorg made immature (new tip lower) leaves.
  const pool2 = f.core();
  const cb = f.fund(100_000n, 'p2wpkh', 400, true);
  const spend = f.spend([cb], [90_000n]);
  ok(pool2.accept(spend, f.ctx()));
  const lower = { ...f.tip, height: 450 };
  const removed = pool2.blocksDisconnected([], f.ctx({ tip: lower }));
  assert.deepEqual(
    removed.map((r) => r.reason),
    ['reorg'],
  );
});

test('orphans: kept when parents are missing, accepted when the parent arrives, bounded', () => {
  const pool = f.core({ maxOrphanTransactions: 3 });
  const parent = f.spend([f.fund(100_000n)], [90_000n, 5_000n]);
  const child = f.spend([f.out(parent)], [80_000n]);
  const grandchild = f.spend([f.out(child)], [70_000n]);
  assert.equal(pool.acceptOrOrphan(grandchild, f.ctx(), 'peer1').ok, false);
  assert.equal(pool.acceptOrOrphan(child, f.ctx(), 'peer1').ok, false);
  assert.equal(pool.orphans.size, 2);
  const r = ok(pool.acceptOrOrphan(parent, f.ctx()));
  const accepted = pool.processOrphans(r.entry, f.ctx());
  assert.deepEqual(
    accepted.map((e) => bytesToHex(e.txid)),
    [txid(child), txid(grandchild)].map(bytesToHex),
  );
  assert.equal(pool.orphans.size, 0);
  for (let i = 0; i < 5; i++) {
    const ghost = f.coinAt({ txid: new Uint8Array(32).fill(i + 1), vout: 0 }, 10_000n);
    pool.acceptOrOrphan(f.spend([ghost], [9_000n]), f.ctx(), 'peer2');
  }
  assert.equal(pool.orphans.size, 3);
  pool.orphans.eraseForPeer('peer2');
  assert.equal(pool.orphans.size, 0);
});

test('a two-block reorg re-adds chained transactions whichever order the blocks come in', () => {
  for (const order of ['tip-first-calls', 'one-batch'] as const) {
    const pool = f.core();
    const coin = f.fund(100_000n);
    const t1 = f.spend([coin], [90_000n]);
    const t2 = f.spend([f.out(t1)], [80_000n]);
    const c = f.spend([f.out(t2)], [70_000n]);
    const cbA = f.spend([f.fund(1n)], [1n]);
    const cbB = f.spend([f.fund(1n)], [1n]);
    const b1: Block = { header: {} as Block['header'], txs: [cbA, t1] };
    const b2: Block = { header: {} as Block['header'], txs: [cbB, t2] };
    // Chain state with b1 and b2 connected: only t2's output is unspent; c is in the pool.
    f.utxo.delete(key(coin.outpoint));
    const t2out = key({ txid: txid(t2), vout: 0 });
    f.utxo.set(t2out, {
      value: 80_000n,
      scriptPubKey: t2.outputs[0]!.scriptPubKey,
      height: 502,
      coinbase: false,
    });
    ok(pool.accept(c, f.ctx()));
    // Both blocks undone by the chainstate.
    f.utxo.delete(t2out);
    f.utxo.set(key(coin.outpoint), {
      value: 100_000n,
      scriptPubKey: coin.scriptPubKey,
      height: 100,
      coinbase: false,
    });
    if (order === 'tip-first-calls') {
      pool.blocksDisconnected([b2], f.ctx());
      assert.ok(pool.state.get(txid(c)), 'the child waits for its re-added parents');
      pool.blocksDisconnected([b1], f.ctx());
    } else {
      pool.blocksDisconnected([b2, b1], f.ctx());
    }
    for (const tx of [t1, t2, c]) assert.ok(pool.state.get(txid(tx)), `${order}: all back`);
    assert.equal(pool.state.get(txid(c))!.parents.size, 1);
  }
});
