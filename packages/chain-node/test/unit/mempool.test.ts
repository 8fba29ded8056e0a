import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Account, decodeTx, Mempool } from '@keel/chain-node';
import { account, CHAIN, transfer } from '../helpers.ts';

function pool(opts: Partial<ConstructorParameters<typeof Mempool>[0]> = {}, balance = 1000n) {
  const accounts = new Map<string, Account>();
  for (let i = 0; i < 8; i++) accounts.set(account(i).address, { balance, nonce: 0n });
  const m = new Mempool(
    { chainId: CHAIN, ...opts },
    (a) => accounts.get(a) ?? { balance: 0n, nonce: 0n },
  );
  return { m, accounts };
}

describe('mempool', () => {
  it('admits valid transactions and refuses bad ones with precise reasons', () => {
    const { m } = pool({ feeFloor: 2n, maxNonceGap: 4 });
    assert.equal(m.addRaw(transfer(1, 2, 0n, 2n), 0).status, 'added');
    assert.equal(m.addRaw(transfer(1, 2, 0n, 2n), 0).status, 'known');
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 1n), 0), /fee 1 below floor 2/);
    assert.throws(() => m.addRaw(transfer(1, 2, 9n, 2n), 0), /too far ahead/);
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 2n, 1n, 'other'), 0), /chain id/);
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 2n, 999n), 0), /pending cost/);
    const bad = transfer(1, 2, 1n, 2n);
    bad[bad.length - 1]! ^= 1;
    assert.throws(() => m.addRaw(bad, 0), /invalid signature/);
    assert.throws(
      () => m.addRaw(new Uint8Array([1, 2, 3]), 0),
      (e: { code: string }) => e.code === 'ERR_CHAIN_INVALID_TX',
    );
    assert.equal(m.size, 1);
  });

  it('replaces only with a fee bump of at least 10%', () => {
    const { m } = pool();
    m.addRaw(transfer(1, 2, 0n, 100n), 0);
    assert.throws(() => m.addRaw(transfer(1, 2, 0n, 109n), 0), /replacement fee 109 below 110/);
    const r = m.addRaw(transfer(1, 2, 0n, 110n), 0);
    assert.equal(r.status, 'replaced');
    assert.equal(m.size, 1);
  });

  it('builds templates by fee across senders, in nonce order per sender', () => {
    const { m } = pool();
    m.addRaw(transfer(1, 0, 0n, 5n), 0);
    m.addRaw(transfer(1, 0, 1n, 50n), 0);
    m.addRaw(transfer(2, 0, 0n, 10n), 0);
    m.addRaw(transfer(3, 0, 1n, 99n), 0); // gap: nonce 0 missing, not executable
    const sel = m.select(10, 1 << 20);
    assert.deepEqual(
      sel.map((t) => [t.fromHex, t.nonce]),
      [
        [account(2).address, 0n],
        [account(1).address, 0n],
        [account(1).address, 1n],
      ],
    );
    assert.equal(m.select(1, 1 << 20).length, 1);
    const skip = new Set([sel[0]!.hashHex]);
    assert.ok(!m.select(10, 1 << 20, { skip }).some((t) => skip.has(t.hashHex)));
  });

  it('evicts the cheapest sender tail under the count cap, and expires old entries', () => {
    const { m } = pool({ maxCount: 3 });
    m.addRaw(transfer(1, 0, 0n, 5n), 0);
    m.addRaw(transfer(1, 0, 1n, 6n), 0);
    m.addRaw(transfer(2, 0, 0n, 50n), 0);
    m.addRaw(transfer(3, 0, 0n, 60n), 0);
    assert.equal(m.size, 3);
    assert.ok(
      !m.has(decodeTx(transfer(1, 0, 1n, 6n)).hashHex),
      'tail of the cheapest sender evicted',
    );
    assert.throws(() => m.addRaw(transfer(4, 0, 0n, 1n), 0), /mempool full/);
    assert.equal(m.expire(10 * 60_000 + 1), 3);
    assert.equal(m.size, 0);
  });

  it('drops included and stale-nonce transactions after a commit', () => {
    const { m, accounts } = pool();
    const t0 = decodeTx(transfer(1, 0, 0n));
    const t1 = decodeTx(transfer(1, 0, 1n));
    m.add(t0, 0);
    m.add(t1, 0);
    accounts.set(account(1).address, { balance: 998n, nonce: 2n });
    m.onCommitted([t0]);
    assert.equal(m.size, 0);
  });
});
