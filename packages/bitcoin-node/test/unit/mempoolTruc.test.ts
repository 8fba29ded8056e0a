import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Transaction, txid } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import type { AcceptResult } from '../../src/mempool/accept.ts';
import { MempoolFixture } from './mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

const v3 = (t: Transaction) => {
  t.version = 3;
};

function rejected(r: AcceptResult, reason: string, detail: RegExp): void {
  assert.equal(r.ok, false, 'expected a rejection');
  if (r.ok) return;
  assert.equal(r.reason, reason, r.detail);
  assert.match(r.detail ?? '', detail);
}

test('TRUC inheritance: v3 and non-v3 do not mix in unconfirmed chains', () => {
  const pool = f.core();
  const p3 = f.spend([f.fund(100_000n)], [90_000n], v3);
  const p2 = f.spend([f.fund(100_000n)], [90_000n]);
  assert.ok(pool.accept(p3, f.ctx()).ok);
  assert.ok(pool.accept(p2, f.ctx()).ok);
  rejected(
    pool.accept(f.spend([f.out(p3)], [80_000n]), f.ctx()),
    'TRUC-violation',
    /^non-version=3 tx [0-9a-f]{64} \(wtxid=[0-9a-f]{64}\) cannot spend from version=3 tx/,
  );
  rejected(
    pool.accept(f.spend([f.out(p2)], [80_000n], v3), f.ctx()),
    'TRUC-violation',
    /^version=3 tx .* cannot spend from non-version=3 tx/,
  );
  assert.ok(pool.accept(f.spend([f.out(p3)], [80_000n], v3), f.ctx()).ok);
});

test('TRUC limits: one unconfirmed ancestor, child at most 1,000 vbytes, v3 at most 10,000', () => {
  const pool = f.core();
  const a = f.spend([f.fund(100_000n)], [90_000n], v3);
  const b = f.spend([f.out(a)], [80_000n], v3);
  assert.ok(pool.accept(a, f.ctx()).ok);
  assert.ok(pool.accept(b, f.ctx()).ok);
  rejected(
    pool.accept(f.spend([f.out(b)], [70_000n], v3), f.ctx()),
    'TRUC-violation',
    /would have too many ancestors/,
  );
  const parent = f.spend([f.fund(200_000n)], [190_000n], v3);
  assert.ok(pool.accept(parent, f.ctx()).ok);
  const pad = {
    value: 0n,
    scriptPubKey: Uint8Array.of(0x6a, 0x4d, 0xe8, 0x03, ...new Uint8Array(1000)),
  };
  rejected(
    pool.accept(f.spend([f.out(parent)], [180_000n, pad]), f.ctx()),
    'TRUC-violation',
    /^non-version=3/,
  );
  rejected(
    pool.accept(f.spend([f.out(parent)], [180_000n, pad], v3), f.ctx()),
    'TRUC-violation',
    /version=3 child tx .* is too big: \d+ > 1000 virtual bytes/,
  );
  const huge = {
    value: 0n,
    scriptPubKey: Uint8Array.of(0x6a, 0x4d, 0x10, 0x27, ...new Uint8Array(10_000)),
  };
  rejected(
    pool.accept(f.spend([f.fund(100_000n)], [90_000n, huge], v3), f.ctx()),
    'TRUC-violation',
    /is too big: \d+ > 10000 virtual bytes/,
  );
});

test('TRUC sibling eviction: a second child replaces the first under the RBF rules', () => {
  const pool = f.core();
  const parent = f.spend([f.fund(200_000n)], [90_000n, 90_000n], v3);
  assert.ok(pool.accept(parent, f.ctx()).ok);
  const first = f.spend([f.out(parent, 0)], [85_000n], v3);
  assert.ok(pool.accept(first, f.ctx()).ok);
  // Pays too little to replace the sibling.
  const cheap = f.spend([f.out(parent, 1)], [86_000n], v3);
  const r1 = pool.accept(cheap, f.ctx());
  assert.equal(r1.ok ? '' : r1.reason, 'insufficient fee (including sibling eviction)');
  const rich = f.spend([f.out(parent, 1)], [70_000n], v3);
  const r2 = pool.accept(rich, f.ctx());
  assert.ok(r2.ok, r2.ok ? '' : `${r2.reason} ${r2.detail}`);
  assert.deepEqual(
    r2.replaced.map((e) => bytesToHex(e.txid)),
    [bytesToHex(txid(first))],
  );
  assert.equal(pool.state.size, 2);
});
