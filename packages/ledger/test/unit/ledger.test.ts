import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryKvStore } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  encodeTx,
  exportSnapshot,
  getAccount,
  getAccountWithProof,
  importSnapshot,
  LedgerError,
  loadStateFromStore,
  persistStateWrites,
  stateToKvOps,
  TxRejectReason,
  verifyStateProof,
} from '../../src/index.ts';
import {
  alice,
  BLOCK,
  bob,
  CHAIN_ID,
  carol,
  genesis,
  INITIAL,
  ledger,
  tx,
  validatorKeys,
} from '../helpers.ts';

const L = ledger();

describe('transfers, nonces and fees', () => {
  test('a transfer moves the amount and charges exactly intrinsic gas × price', () => {
    const g = genesis();
    const t = tx(alice, 0, { kind: 'transfer', to: carol.address, amount: 500n }, 100_000, 3n);
    const len = encodeTx(t).length;
    const intrinsic = 1000 + 10 * len; // txBaseGas + txByteGas · bytes (defaultLedgerParams)
    const miner = new Uint8Array(32).fill(7);
    const r = L.applyBlock(g, [t], { ...BLOCK, feeRecipient: miner });
    const rc = r.receipts[0]!;
    assert.equal(rc.status, 'ok');
    assert.equal(rc.gasUsed, intrinsic);
    assert.equal(rc.fee, BigInt(intrinsic) * 3n);
    assert.equal(getAccount(r.state, alice.address).balance, INITIAL - 500n - rc.fee);
    assert.equal(getAccount(r.state, alice.address).nonce, 1n);
    assert.equal(getAccount(r.state, carol.address).balance, 500n);
    assert.equal(getAccount(r.state, miner).balance, rc.fee);
    // the input state is untouched
    assert.equal(getAccount(g, alice.address).balance, INITIAL);
  });

  test('checkTx verdicts: nonce, balance, signature, chain id, gas', () => {
    const g = genesis();
    const ok = L.checkTx(g, tx(alice, 0, { kind: 'transfer', to: bob.address, amount: 1n }));
    assert.ok(ok.ok);
    const reason = (t: Parameters<typeof L.checkTx>[1], opts = {}) => {
      const r = L.checkTx(g, t, opts);
      return r.ok ? 'ok' : r.reason;
    };
    const xfer = { kind: 'transfer' as const, to: bob.address, amount: 1n };
    assert.equal(reason(tx(alice, 1, xfer)), TxRejectReason.NONCE_TOO_HIGH);
    assert.equal(reason(tx(alice, 1, xfer), { allowFutureNonce: true }), 'ok');
    assert.equal(reason(tx(carol, 0, xfer)), TxRejectReason.INSUFFICIENT_BALANCE);
    assert.equal(
      reason(tx(alice, 0, { ...xfer, amount: INITIAL })),
      TxRejectReason.INSUFFICIENT_BALANCE,
    );
    assert.equal(reason({ ...tx(alice, 0, xfer), from: bob.address }), TxRejectReason.SIGNATURE);
    assert.equal(reason(tx(alice, 0, xfer, 100)), TxRejectReason.INTRINSIC_GAS);
    assert.equal(reason(tx(alice, 0, xfer, 100_000, 0n)), TxRejectReason.GAS_PRICE_TOO_LOW);
    assert.equal(reason(tx(alice, 0, xfer, 60_000_000)), TxRejectReason.GAS_LIMIT_TOO_HIGH);
    const other = { ...tx(alice, 0, xfer), chainId: 'other' };
    assert.equal(reason(other), TxRejectReason.CHAIN_ID);
    const bytes = encodeTx(tx(alice, 0, xfer));
    assert.ok(L.checkTx(g, bytes).ok);
    assert.equal(reason(bytes.subarray(0, 10)), TxRejectReason.MALFORMED);
    const r = L.applyBlock(g, [tx(alice, 0, xfer)], BLOCK);
    assert.equal(L.checkTx(r.state, tx(alice, 0, xfer)).ok, false, 'replay is rejected');
  });

  test('an invalid transaction invalidates the block, or is skipped when building', () => {
    const g = genesis();
    const xfer = { kind: 'transfer' as const, to: bob.address, amount: 1n };
    const txs = [tx(alice, 0, xfer), tx(alice, 0, xfer), tx(alice, 1, xfer)];
    assert.throws(
      () => L.applyBlock(g, txs, BLOCK),
      (e: unknown) =>
        e instanceof LedgerError && /transaction 1 is invalid: nonce 0 is below/.test(e.message),
    );
    const r = L.applyBlock(g, txs, BLOCK, { skipInvalid: true });
    assert.deepEqual(r.applied, [0, 2]);
    assert.equal(r.rejected[0]!.index, 1);
    assert.equal(r.rejected[0]!.error.reason, TxRejectReason.NONCE_TOO_LOW);
    assert.equal(getAccount(r.state, alice.address).nonce, 2n);
  });

  test('many transfers in one block; state root changes and is reproducible', () => {
    const g = genesis();
    const txs = Array.from({ length: 200 }, (_, i) =>
      tx(i % 2 ? bob : alice, Math.floor(i / 2), {
        kind: 'transfer',
        to: new Uint8Array(32).fill(i),
        amount: BigInt(i + 1),
      }),
    );
    const a = L.applyBlock(g, txs, BLOCK);
    const b = L.applyBlock(
      g,
      txs.map((t) => encodeTx(t)),
      BLOCK,
    );
    assert.deepEqual(a.stateRoot, b.stateRoot);
    assert.notDeepEqual(a.stateRoot, g.root());
    assert.equal(getAccount(a.state, new Uint8Array(32).fill(199)).balance, 200n);
  });
});

describe('staking and the validator set', () => {
  test('genesis registers validators with verified keys', () => {
    const set = L.validatorSet(genesis());
    assert.equal(set.length, 1);
    const v = validatorKeys(0);
    assert.deepEqual(set[0]!.blsPublicKey, v.blsPublicKey);
    assert.deepEqual(set[0]!.vrfPublicKey, v.vrfPublicKey);
    assert.equal(set[0]!.stake, 10_000n);
    assert.equal(set[0]!.power, 10_000);
    const implicit = createGenesisState(L, {
      chainId: CHAIN_ID,
      balances: [],
      validators: [
        {
          stake: 5000n,
          blsPublicKey: validatorKeys(2).blsPublicKey,
          blsPop: validatorKeys(2).blsPop,
          vrfPublicKey: validatorKeys(2).vrfPublicKey,
        },
      ],
    }).state;
    assert.deepEqual(L.validatorSet(implicit)[0]!.address, validatorKeys(2).vrfPublicKey);
    const bad = { ...v, blsPop: validatorKeys(1).blsPop };
    assert.throws(
      () =>
        createGenesisState(L, {
          chainId: CHAIN_ID,
          balances: [],
          validators: [{ address: bad.account.address, stake: 5000n, ...bad }],
        }),
      /invalid BLS proof of possession/,
    );
  });

  test('stake joins the set, unstake leaves it; bad stakes are rejected receipts', () => {
    const g = genesis();
    const v = validatorKeys(1);
    const keys = { blsPublicKey: v.blsPublicKey, blsPop: v.blsPop, vrfPublicKey: v.vrfPublicKey };
    const r1 = L.applyBlock(
      g,
      [tx(alice, 0, { kind: 'stake', amount: 5000n, ...keys }, 200_000)],
      BLOCK,
    );
    assert.equal(r1.receipts[0]!.status, 'ok');
    assert.ok(r1.validatorSetChanged);
    const set = L.validatorSet(r1.state);
    assert.equal(set.length, 2);
    assert.ok(set.some((x) => Buffer.from(x.address).equals(alice.address) && x.stake === 5000n));
    const fee1 = r1.receipts[0]!.fee;
    assert.equal(getAccount(r1.state, alice.address).balance, INITIAL - 5000n - fee1);

    // bob cannot reuse alice's BLS key; a wrong PoP is rejected; a too-small stake too
    const reused = tx(bob, 0, { kind: 'stake', amount: 5000n, ...keys }, 200_000);
    const wrongPop = tx(
      bob,
      1,
      {
        kind: 'stake',
        amount: 5000n,
        ...keys,
        blsPublicKey: validatorKeys(2).blsPublicKey,
      },
      200_000,
    );
    const r2 = L.applyBlock(r1.state, [reused, wrongPop], BLOCK);
    assert.deepEqual(
      r2.receipts.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.match(r2.receipts[0]!.error!.message, /already registered/);
    assert.match(r2.receipts[1]!.error!.message, /proof of possession/);
    assert.equal(L.validatorSet(r2.state).length, 2);
    assert.equal(getAccount(r2.state, bob.address).nonce, 2n, 'rejected txs still use the nonce');

    const partial = tx(alice, 1, { kind: 'unstake', amount: 4500n }, 200_000);
    const r3 = L.applyBlock(r1.state, [partial], BLOCK);
    assert.match(r3.receipts[0]!.error!.message, /below the minimum 1000/);
    const all = tx(alice, 1, { kind: 'unstake', amount: 5000n }, 200_000);
    const r4 = L.applyBlock(r1.state, [all], BLOCK);
    assert.equal(r4.receipts[0]!.status, 'ok');
    assert.equal(L.validatorSet(r4.state).length, 1);
    assert.equal(getAccount(r4.state, alice.address).balance, INITIAL - fee1 - r4.receipts[0]!.fee);
    // the last validator cannot leave
    const last = validatorKeys(0).account;
    const r5 = L.applyBlock(
      r4.state,
      [tx(last, 0, { kind: 'unstake', amount: 10_000n }, 200_000)],
      BLOCK,
    );
    assert.match(r5.receipts[0]!.error!.message, /last validator/);
  });
});

describe('state commitment, snapshots and the KvStore', () => {
  test('account proofs verify against the state root', () => {
    const r = L.applyBlock(
      genesis(),
      [tx(alice, 0, { kind: 'transfer', to: carol.address, amount: 9n })],
      BLOCK,
    );
    const p = getAccountWithProof(r.state, carol.address);
    assert.ok(verifyStateProof(r.stateRoot, p));
    assert.ok(!verifyStateProof(genesis().root(), p));
    const absent = getAccountWithProof(r.state, new Uint8Array(32).fill(0xee));
    assert.equal(absent.value, undefined);
    assert.ok(verifyStateProof(r.stateRoot, absent));
  });

  test('snapshot export/import reproduces the root; tampering is caught', () => {
    const r = L.applyBlock(
      genesis(),
      [tx(alice, 0, { kind: 'transfer', to: carol.address, amount: 9n })],
      BLOCK,
    );
    const chunks = exportSnapshot(r.state, 200);
    assert.ok(chunks.length > 1, 'several chunks');
    const back = importSnapshot(chunks, { expectedRoot: r.stateRoot });
    assert.deepEqual(back.root(), r.stateRoot);
    assert.throws(
      () => importSnapshot(chunks, { expectedRoot: new Uint8Array(32) }),
      /not the expected/,
    );
    const bad = chunks.map((c) => c.slice());
    bad[0]![bad[0]!.length - 1]! ^= 1;
    assert.throws(() => importSnapshot(bad), /hash to/);
    assert.throws(() => importSnapshot([chunks[1]!, chunks[0]!]), /says it is/);
    assert.throws(() => importSnapshot([chunks[0]!.subarray(0, 60)]), LedgerError);
  });

  test('persist to a KvStore and load back', async () => {
    const g = genesis();
    const store = new MemoryKvStore();
    await store.batch(stateToKvOps(g));
    const r = L.applyBlock(
      g,
      [tx(alice, 0, { kind: 'transfer', to: carol.address, amount: 9n })],
      BLOCK,
    );
    await persistStateWrites(store, r.writes);
    const loaded = await loadStateFromStore(store);
    assert.deepEqual(loaded.root(), r.stateRoot);
  });
});

describe('genesis limits', () => {
  test('inconsistent params are refused', () => {
    assert.throws(() => createLedger({ params: { powerUnit: 10_000n } }), /powerUnit <= minStake/);
    assert.throws(() => createLedger({ params: { maxBlockGas: 1 } }), /maxTxGas <= maxBlockGas/);
  });

  test('a supply over u128 is refused, so no balance can overflow later', () => {
    const half = 1n << 127n;
    assert.throws(
      () =>
        createGenesisState(L, {
          chainId: CHAIN_ID,
          balances: [
            { address: alice.address, amount: half },
            { address: bob.address, amount: half },
          ],
          validators: [
            {
              address: validatorKeys(0).account.address,
              stake: 10_000n,
              blsPublicKey: validatorKeys(0).blsPublicKey,
              blsPop: validatorKeys(0).blsPop,
              vrfPublicKey: validatorKeys(0).vrfPublicKey,
            },
          ],
        }),
      /total supply .* exceeds u128/,
    );
    assert.throws(
      () => createGenesisState(L, { chainId: 'bad id', balances: [], validators: [] }),
      /chainId must be/,
    );
  });
});
