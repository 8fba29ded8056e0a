import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { txHash } from '@keel/ledger';
import { bytesToHex } from '@keel/util';
import { account, ledgerFixture, transfer } from '../helpers.ts';

const hashOf = (raw: Uint8Array) => bytesToHex(txHash(raw));

describe('mempool over the ledger', () => {
  it('admits valid transactions and refuses bad ones with precise reasons', async () => {
    const { mempool: m } = await ledgerFixture(1_000_000n, { feeFloor: 2n, maxNonceGap: 4 });
    assert.equal(m.addRaw(transfer(1, 2, 0n, 2n), 0).status, 'added');
    assert.equal(m.addRaw(transfer(1, 2, 0n, 2n), 0).status, 'known');
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 1n), 0), /fee 1 below floor 2/);
    assert.throws(() => m.addRaw(transfer(1, 2, 9n, 2n), 0), /too far ahead/);
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 2n, 1n, 'other'), 0), /chain/i);
    assert.throws(() => m.addRaw(transfer(1, 2, 1n, 2n, 970_000n), 0), /pending cost/);
    const bad = transfer(1, 2, 1n, 2n);
    bad[bad.length - 1]! ^= 1;
    assert.throws(() => m.addRaw(bad, 0), /signature/i);
    assert.throws(
      () => m.addRaw(new Uint8Array([1, 2, 3]), 0),
      (e: { code: string }) => e.code === 'ERR_CHAIN_INVALID_TX',
    );
    assert.equal(m.size, 1);
  });

  it('replaces only with a fee bump of at least 10%', async () => {
    const { mempool: m } = await ledgerFixture();
    m.addRaw(transfer(1, 2, 0n, 100n), 0);
    assert.throws(() => m.addRaw(transfer(1, 2, 0n, 109n), 0), /replacement fee 109 below 110/);
    assert.equal(m.addRaw(transfer(1, 2, 0n, 110n), 0).status, 'replaced');
    assert.equal(m.size, 1);
  });

  it('builds templates by fee across senders, in nonce order per sender', async () => {
    const { mempool: m } = await ledgerFixture();
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

  it('evicts the cheapest sender tail under the count cap, and expires old entries', async () => {
    const { mempool: m } = await ledgerFixture(10n ** 12n, { maxCount: 3 });
    m.addRaw(transfer(1, 0, 0n, 5n), 0);
    m.addRaw(transfer(1, 0, 1n, 6n), 0);
    m.addRaw(transfer(2, 0, 0n, 50n), 0);
    m.addRaw(transfer(3, 0, 0n, 60n), 0);
    assert.equal(m.size, 3);
    assert.ok(!m.has(hashOf(transfer(1, 0, 1n, 6n))), 'tail of the cheapest sender evicted');
    assert.throws(() => m.addRaw(transfer(4, 0, 0n, 1n), 0), /mempool full/);
    assert.equal(m.expire(10 * 60_000 + 1), 3);
    assert.equal(m.size, 0);
  });

  it('drops included and stale-nonce transactions after a commit', async () => {
    const overrides = new Map<string, { balance: bigint; nonce: bigint }>();
    const { mempool: m } = await ledgerFixture(10n ** 12n, {}, overrides);
    const t0 = transfer(1, 0, 0n);
    const t1 = transfer(1, 0, 1n);
    m.addRaw(t0, 0);
    m.addRaw(t1, 0);
    overrides.set(account(1).address, { balance: 10n ** 12n, nonce: 2n });
    m.onCommitted([{ hashHex: hashOf(t0), fromHex: account(1).address }]);
    assert.equal(m.size, 0);
  });
});

describe('LedgerApp', () => {
  it('proposes only transactions that apply, and validates its own payload', async () => {
    const { app, mempool: m, ledger, state } = await ledgerFixture();
    m.addRaw(transfer(1, 2, 0n), 0);
    m.addRaw(transfer(1, 2, 1n), 0);
    const payload = app.proposePayload({ parentHash: new Uint8Array(32), height: 1, view: 1 });
    const block = {
      parentHash: new Uint8Array(32),
      height: 1,
      view: 1,
      proposer: 0,
      payload,
      qc: {
        view: 0,
        blockHash: new Uint8Array(32),
        signers: new Uint8Array(0),
        signature: new Uint8Array(0),
      },
      leaderProof: new Uint8Array(0),
      seed: new Uint8Array(32),
    };
    assert.equal(app.validatePayload(block, new Uint8Array(32).fill(1)), true);
    const r = ledger.applyBlock(state, [transfer(1, 2, 0n), transfer(1, 2, 1n)], {
      height: 1n,
      time: 0n,
    });
    app.onCommit(block, new Uint8Array(32).fill(1));
    assert.equal(bytesToHex(app.root()), bytesToHex(r.stateRoot), 'same root as applying directly');
    assert.equal(m.size, 0);
    const dup = { ...block, parentHash: new Uint8Array(32).fill(1), height: 2 };
    assert.equal(app.validatePayload(dup, new Uint8Array(32).fill(2)), false, 'replayed nonces');
  });
});
