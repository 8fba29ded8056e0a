import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nobleBls } from '@keel/crypto';
import { bytesToHex, concatBytes, KeelError, utf8ToBytes } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  decodeEvidenceTx,
  type EpochParams,
  type EvidenceVerifier,
  encodeEvidenceTx,
  getAccount,
  type Ledger,
  type LedgerEvidence,
  type LedgerState,
  type SignedTx,
} from '../../src/index.ts';
import { alice, CHAIN_ID, INITIAL, tx, validatorKeys } from '../helpers.ts';

const EPOCHS: EpochParams = {
  epochLength: 4,
  unbondingEpochs: 1,
  jailEpochs: 1,
  slashFractionBps: 500,
};
const STAKE = 10_000n;
const GAS = 200_000;

/**
 * A stand-in verifier over real BLS signatures: the message is `"test/vote" ‖ u64 view ‖
 * hash`. (The node plugs in @keel/consensus's verifier, which the ledger may not import; the
 * chain-node test `epochSlashing` runs that one.)
 */
function testMessage(view: number, hash: Uint8Array): Uint8Array {
  const v = new Uint8Array(8);
  new DataView(v.buffer).setBigUint64(0, BigInt(view), true);
  return concatBytes(utf8ToBytes('test/vote'), v, hash);
}

class TestEvidenceError extends KeelError {}

const verifier: EvidenceVerifier = (e, ctx) => {
  if (e.epoch + ctx.unbondingEpochs < ctx.currentEpoch)
    throw new TestEvidenceError('ERR_TEST_EXPIRED', `offence epoch ${e.epoch} expired`);
  const set = ctx.validatorsOf(e.epoch);
  const v = set?.[e.validator];
  if (!v || v.power === 0) throw new TestEvidenceError('ERR_TEST_UNKNOWN', 'not bonded');
  for (const h of [e.first, e.second]) {
    if (!nobleBls.verify(v.blsPublicKey, testMessage(e.view, h.blockHash), h.signature))
      throw new TestEvidenceError('ERR_TEST_BAD_SIGNATURE', 'bad signature');
  }
};

function setup(): { l: Ledger; state: LedgerState } {
  const l = createLedger({ evidenceVerifier: verifier });
  const [a, b] = [validatorKeys(0), validatorKeys(1)];
  const state = createGenesisState(l, {
    chainId: CHAIN_ID,
    balances: [
      { address: alice.address, amount: INITIAL },
      { address: a.account.address, amount: INITIAL },
      { address: b.account.address, amount: INITIAL },
    ],
    // b before a: the genesis list keeps the config's order (consensus' genesis indices)
    validators: [b, a].map((v) => ({ address: v.account.address, stake: STAKE, ...v })),
    epochs: EPOCHS,
  }).state;
  return { l, state };
}

/** Applies empty blocks (or `txs` in the first one) up to and including `to`. */
function run(
  l: Ledger,
  s: LedgerState,
  from: number,
  to: number,
  txs: (SignedTx | Uint8Array)[] = [],
) {
  let state = s;
  const results = [];
  for (let h = from; h <= to; h++) {
    const r = l.applyBlock(state, h === from ? txs : [], { height: BigInt(h), time: 0n });
    results.push(r);
    state = r.state;
  }
  return { state, results };
}

const hex = bytesToHex;
const powers = (l: Ledger, s: LedgerState, e: number) =>
  l.epochValidators(s, e)?.map((v) => [hex(v.blsPublicKey).slice(0, 8), v.power]);

function evidence(i: number, epoch: number, view: number): LedgerEvidence {
  const k = validatorKeys(i);
  const h1 = new Uint8Array(32).fill(1);
  const h2 = new Uint8Array(32).fill(2);
  return {
    kind: 'vote',
    validator: 0,
    epoch,
    view,
    first: { blockHash: h1, signature: nobleBls.sign(k.blsSecret, testMessage(view, h1)) },
    second: { blockHash: h2, signature: nobleBls.sign(k.blsSecret, testMessage(view, h2)) },
  };
}

describe('staking epochs', () => {
  test('genesis stores the epoch 0 and 1 lists in config order', () => {
    const { l, state } = setup();
    const b = hex(validatorKeys(1).blsPublicKey).slice(0, 8);
    const a = hex(validatorKeys(0).blsPublicKey).slice(0, 8);
    assert.deepEqual(powers(l, state, 0), [
      [b, 10_000],
      [a, 10_000],
    ]);
    assert.deepEqual(powers(l, state, 1), powers(l, state, 0));
    assert.equal(l.epochValidators(state, 2), undefined);
    assert.deepEqual(l.epochParams(state), EPOCHS);
    assert.throws(
      () =>
        createGenesisState(l, {
          chainId: CHAIN_ID,
          balances: [],
          validators: [{ stake: STAKE, ...validatorKeys(0) }],
          epochs: { ...EPOCHS, epochLength: 0 },
        }),
      /epochs: epochLength/,
    );
  });

  test('a stake reaches the set at the next boundary, appended; unstake unbonds then pays back', () => {
    const { l, state } = setup();
    const c = validatorKeys(2);
    const join = tx(
      alice,
      0,
      {
        kind: 'stake',
        amount: 5000n,
        blsPublicKey: c.blsPublicKey,
        blsPop: c.blsPop,
        vrfPublicKey: c.vrfPublicKey,
      },
      GAS,
    );
    // height 2 (epoch 0): the ledger record exists at once, the consensus lists do not change
    let { state: s, results } = run(l, state, 2, 4, [join]);
    assert.equal(results[0]!.receipts[0]!.status, 'ok');
    assert.equal(results[2]!.epochFixed, 2); // height 4 = 1·L fixes epoch 2
    const cHex = hex(c.blsPublicKey).slice(0, 8);
    assert.equal(powers(l, s, 1)!.length, 2);
    assert.deepEqual(
      powers(l, s, 2)!.map((x) => x[1]),
      [10_000, 10_000, 5000],
    );
    assert.equal(powers(l, s, 2)![2]![0], cHex);
    // validator a (index 1) unstakes everything in epoch 1 (height 5)
    const a = validatorKeys(0);
    const before = getAccount(s, a.account.address).balance;
    const leave = tx(a.account, 0, { kind: 'unstake', amount: STAKE }, GAS);
    ({ state: s, results } = run(l, s, 5, 8, [leave]));
    const fee = results[0]!.receipts[0]!.fee;
    assert.equal(results[0]!.receipts[0]!.status, 'ok');
    // not paid back yet: the bond unbonds (slashable) until epoch 1 + 2 + 1 = 4
    assert.equal(getAccount(s, a.account.address).balance, before - fee);
    assert.deepEqual(
      powers(l, s, 3)!.map((x) => x[1]),
      [10_000, 0, 5000],
    ); // same index, power 0
    ({ state: s } = run(l, s, 9, 12));
    assert.equal(getAccount(s, a.account.address).balance, before - fee);
    ({ state: s } = run(l, s, 13, 16)); // height 16 = 4·L: the bond is released with epoch 4
    assert.equal(getAccount(s, a.account.address).balance, before - fee + STAKE);
    assert.ok(!l.validatorSet(s).some((v) => hex(v.address) === hex(a.account.address)));
    assert.deepEqual(
      powers(l, s, 5)!.map((x) => x[1]),
      [10_000, 0, 5000],
    ); // index kept
    // old lists are pruned past the unbonding window (epoch 5 - 1 - 3 = 1 and older)
    assert.equal(l.epochValidators(s, 1), undefined);
    assert.ok(l.epochValidators(s, 2));
  });

  test('the last bonded validator cannot unstake', () => {
    const { l, state } = setup();
    const [a, b] = [validatorKeys(0), validatorKeys(1)];
    const r = l.applyBlock(
      state,
      [
        tx(a.account, 0, { kind: 'unstake', amount: STAKE }, GAS),
        tx(b.account, 0, { kind: 'unstake', amount: STAKE }, GAS),
      ],
      { height: 1n, time: 0n },
    );
    assert.equal(r.receipts[0]!.status, 'ok');
    assert.equal(r.receipts[1]!.status, 'rejected');
    assert.match(r.receipts[1]!.error!.message, /last validator/);
  });
});

describe('slashing', () => {
  test('evidence burns 5 % of the bond, jails, and is refused a second time', () => {
    const { l, state } = setup();
    // validator b (genesis index 0) equivocates in epoch 0; the evidence lands at height 3
    const raw = encodeEvidenceTx(evidence(1, 0, 7));
    assert.deepEqual(decodeEvidenceTx(raw), evidence(1, 0, 7));
    const r = l.applyBlock(state, [raw], { height: 3n, time: 0n });
    assert.equal(r.receipts[0]!.kind, 'evidence');
    assert.equal(r.slashed![0]!.penalty, 500n); // 10,000 × 500 / 10,000
    assert.equal(r.slashed![0]!.jailedUntil, 0 + 2 + 1);
    const rec = l
      .validatorSet(r.state)
      .find((v) => hex(v.blsPublicKey) === hex(validatorKeys(1).blsPublicKey))!;
    assert.equal(rec.stake, 9500n);
    // a second copy of the same offence (other view, same epoch) is a typed duplicate
    const again = l.checkEvidence(r.state, encodeEvidenceTx(evidence(1, 0, 8)), 4n);
    assert.equal(again.ok, false);
    assert.equal(!again.ok && again.reason, 'evidence_duplicate');
    assert.throws(
      () => l.applyBlock(r.state, [encodeEvidenceTx(evidence(1, 0, 8))], { height: 4n, time: 0n }),
      (e: KeelError) =>
        e.code === 'ERR_LEDGER_INVALID_BLOCK' && e.meta.reason === 'evidence_duplicate',
    );
    // jailed (until epoch 3): power 0 in epochs 2, back with 9,500 in epoch 3
    const { state: s } = run(l, r.state, 4, 8);
    assert.deepEqual(
      powers(l, s, 2)!.map((x) => x[1]),
      [0, 10_000],
    );
    assert.deepEqual(
      powers(l, s, 3)!.map((x) => x[1]),
      [9500, 10_000],
    );
  });

  test('forged, future, expired and malformed evidence are rejected with typed reasons', () => {
    const { l, state } = setup();
    const forged = evidence(1, 0, 7);
    const wrongKey = evidence(0, 0, 7); // signed by validator a, claimed for index 0 (b)
    const bad = { ...forged, second: { ...forged.second, signature: wrongKey.second.signature } };
    const v1 = l.checkEvidence(state, encodeEvidenceTx(bad), 3n);
    assert.equal(!v1.ok && v1.reason, 'evidence');
    assert.equal(!v1.ok && v1.error.meta.code, 'ERR_TEST_BAD_SIGNATURE');
    const future = l.checkEvidence(state, encodeEvidenceTx(evidence(1, 1, 7)), 3n);
    assert.equal(!future.ok && future.reason, 'evidence');
    assert.match(!future.ok ? future.error.message : '', /after the block's epoch 0/);
    const late = l.checkEvidence(state, encodeEvidenceTx(evidence(1, 0, 7)), 9n); // epoch 2
    assert.equal(!late.ok && late.error.meta.code, 'ERR_TEST_EXPIRED');
    const truncated = encodeEvidenceTx(forged).subarray(0, 40);
    const m = l.checkEvidence(state, truncated, 3n);
    assert.equal(!m.ok && m.reason, 'malformed');
    // skipped when building a block, invalid block when validating one
    const built = l.applyBlock(
      state,
      [encodeEvidenceTx(bad)],
      { height: 3n, time: 0n },
      {
        skipInvalid: true,
      },
    );
    assert.equal(built.rejected.length, 1);
    assert.throws(() => l.applyBlock(state, [encodeEvidenceTx(bad)], { height: 3n, time: 0n }), {
      code: 'ERR_LEDGER_INVALID_BLOCK',
    });
    // a chain without epochs refuses evidence; no verifier refuses it too
    const plain = createLedger({ evidenceVerifier: verifier });
    const noEpochs = createGenesisState(plain, {
      chainId: CHAIN_ID,
      balances: [],
      validators: [{ stake: STAKE, ...validatorKeys(1) }],
    }).state;
    const ne = plain.checkEvidence(noEpochs, encodeEvidenceTx(forged), 3n);
    assert.match(!ne.ok ? ne.error.message : '', /no epochs/);
    const nv = createLedger().checkEvidence(state, encodeEvidenceTx(forged), 3n);
    assert.match(!nv.ok ? nv.error.message : '', /no evidence verifier/);
  });

  test('a leaving validator stays slashable while it unbonds', () => {
    const { l, state } = setup();
    const b = validatorKeys(1);
    const leave = tx(b.account, 0, { kind: 'unstake', amount: STAKE }, GAS);
    let { state: s } = run(l, state, 1, 8, [leave]); // unbonds from epoch 0
    const r = l.applyBlock(s, [encodeEvidenceTx(evidence(1, 1, 9))], { height: 9n, time: 0n });
    assert.equal(r.slashed![0]!.penalty, 500n); // taken from the unbonding bond
    s = run(l, r.state, 10, 12).state; // height 12 = 3·L: release with epoch 3
    assert.equal(
      getAccount(s, b.account.address).balance,
      INITIAL - 0n - feeOf(l, state, leave) + 9500n,
    );
  });
});

function feeOf(l: Ledger, state: LedgerState, t: ReturnType<typeof tx>): bigint {
  return l.applyBlock(state, [t], { height: 1n, time: 0n }).receipts[0]!.fee;
}
