import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tcHighQCView, timeoutSigningMessage, verifyQC, verifyTC } from '@keel/consensus';
import { simKey } from '@keel/consensus/sim';
import { createFixture, scheme } from '../helpers.ts';

describe('validator set quorum', () => {
  it('needs strictly more than 2/3 of stake', () => {
    const eq = createFixture([1, 1, 1, 1]).validators;
    assert.equal(eq.isQuorum(eq.stakeOf([0, 1, 2])), true);
    assert.equal(eq.isQuorum(eq.stakeOf([0, 1])), false);
    const three = createFixture([1, 1, 1]).validators;
    assert.equal(three.isQuorum(2), false, 'exactly 2/3 is not a quorum');
    assert.equal(three.isQuorum(3), true);
    const w = createFixture([34, 33, 33]).validators;
    assert.equal(w.isQuorum(w.stakeOf([1, 2])), false, '66 of 100');
    assert.equal(w.isQuorum(w.stakeOf([0, 1])), true, '67 of 100');
    assert.equal(w.exceedsOneThird(w.stakeOf([0])), true, '34 of 100');
    assert.equal(w.exceedsOneThird(w.stakeOf([1])), false, '33 of 100');
  });

  it('rejects malformed signer bitmaps', () => {
    const vs = createFixture([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]).validators;
    assert.deepEqual(vs.decodeBitmap(vs.encodeBitmap([0, 3, 9])), [0, 3, 9]);
    assert.equal(vs.decodeBitmap(new Uint8Array(1)), null, 'short');
    assert.equal(vs.decodeBitmap(new Uint8Array(3)), null, 'long');
    assert.equal(vs.decodeBitmap(Uint8Array.of(0, 0b100)), null, 'bit 10 of 10 validators');
  });
});

describe('QC verification (real BLS)', () => {
  const fx = createFixture([1, 1, 1, 1]);
  const c = { chain: fx.ctx, validators: fx.validators, scheme };
  const hash = new Uint8Array(32).fill(7);

  it('accepts a quorum aggregate and the genesis QC', () => {
    assert.equal(verifyQC(c, fx.qcFor(5, hash, [0, 1, 3])), true);
    assert.equal(verifyQC(c, fx.genesisQC), true);
  });

  it('rejects too little stake, wrong bitmap, wrong view, wrong block, forged aggregates', () => {
    assert.equal(verifyQC(c, fx.qcFor(5, hash, [0, 1])), false, 'two of four');
    const qc = fx.qcFor(5, hash, [0, 1, 3]);
    assert.equal(verifyQC(c, { ...qc, signers: fx.validators.encodeBitmap([0, 1, 2]) }), false);
    assert.equal(verifyQC(c, { ...qc, signers: fx.validators.encodeBitmap([0, 1, 2, 3]) }), false);
    assert.equal(verifyQC(c, { ...qc, view: 6 }), false);
    assert.equal(verifyQC(c, { ...qc, blockHash: new Uint8Array(32).fill(8) }), false);
    const lone = fx.qcFor(5, hash, [0]);
    assert.equal(verifyQC(c, { ...lone, signers: fx.validators.encodeBitmap([0, 1, 2]) }), false);
    assert.equal(verifyQC(c, { ...qc, signature: new Uint8Array(96) }), false);
    assert.equal(verifyQC(c, { ...fx.genesisQC, blockHash: hash }), false);
  });

  it('is bound to the chain: another genesis never verifies', () => {
    const other = { ...c, chain: { ...fx.ctx, genesisHash: new Uint8Array(32).fill(1) } };
    assert.equal(verifyQC(other, fx.qcFor(5, hash)), false);
    const otherChain = { ...c, chain: { ...fx.ctx, chainId: 'other' } };
    assert.equal(verifyQC(otherChain, fx.qcFor(5, hash)), false);
  });
});

describe('TC verification (real BLS)', () => {
  const fx = createFixture([1, 1, 1, 1]);
  const c = { chain: fx.ctx, validators: fx.validators, scheme };
  const tcFor = (view: number, signers: number[], hqc: number[]) => ({
    view,
    signers: fx.validators.encodeBitmap(signers),
    highQCViews: hqc,
    signature: scheme.aggregateSignatures(
      signers.map((i, k) =>
        scheme.sign(simKey(scheme, i).secretKey, timeoutSigningMessage(fx.ctx, view, hqc[k]!)),
      ),
    ),
  });

  it('accepts mixed high-QC views and reports the highest', () => {
    const tc = tcFor(9, [0, 2, 3], [4, 7, 4]);
    assert.equal(verifyTC(c, tc), true);
    assert.equal(tcHighQCView(tc), 7);
  });

  it('rejects a lie about a signer high-QC view, a short quorum, or a view not below', () => {
    const tc = tcFor(9, [0, 2, 3], [4, 7, 4]);
    assert.equal(verifyTC(c, { ...tc, highQCViews: [4, 8, 4] }), false);
    assert.equal(verifyTC(c, { ...tc, highQCViews: [4, 7] }), false);
    assert.equal(verifyTC(c, tcFor(9, [0, 2], [4, 7])), false);
    assert.equal(verifyTC(c, tcFor(9, [0, 2, 3], [4, 9, 4])), false);
  });
});
