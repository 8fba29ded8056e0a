import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConsensusError,
  ConsensusErrorCode,
  type EquivocationEvidence,
  epochOfHeight,
  jailedUntilEpoch,
  simEpochConsensusParams,
  slashPenalty,
  ValidatorSet,
  verifyEquivocationEvidence,
  verifyQC,
  voteSigningMessage,
  weightedSchedule,
} from '@keel/consensus';
import { simKey } from '@keel/consensus/sim';
import { createFixture, scheme } from '../helpers.ts';

const f = createFixture([1, 1, 1, 1]);
const h = (b: number) => new Uint8Array(32).fill(b);
const sign = (i: number, view: number, hash: Uint8Array) =>
  scheme.sign(simKey(scheme, i).secretKey, voteSigningMessage(f.ctx, view, hash));

// Epoch 3: validator 0 left (stake 0), validator 4 joined (appended).
const infos3 = [0, 1, 1, 1, 1].map((stake, i) => ({
  stake,
  publicKey: simKey(scheme, i).publicKey,
}));
const set3 = new ValidatorSet(infos3, scheme, { allowInactive: true });
const sets = new Map([
  [0, f.validators],
  [3, set3],
]);
const evCtx = { chain: f.ctx, scheme, validatorsOf: (e: number) => sets.get(e) };

function code(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConsensusError, `typed error, got ${e}`);
    return e.code;
  }
  return 'accepted';
}

describe('epochs', () => {
  it('maps heights to epochs (epoch e = heights e·L+1 .. (e+1)·L)', () => {
    const L = simEpochConsensusParams.epochLength;
    assert.equal(L, 8);
    assert.deepEqual(
      [0, 1, 8, 9, 16, 17].map((x) => epochOfHeight(simEpochConsensusParams, x)),
      [0, 0, 0, 1, 1, 2],
    );
  });

  it('a QC verifies against the set of its epoch only; a former validator cannot co-sign', () => {
    const hash = h(7);
    const sig = (ids: number[]) => scheme.aggregateSignatures(ids.map((i) => sign(i, 5, hash)));
    const oldQC = {
      view: 5,
      blockHash: hash,
      signers: f.validators.encodeBitmap([0, 1, 2]),
      signature: sig([0, 1, 2]),
    };
    assert.equal(verifyQC({ chain: f.ctx, validators: f.validators, scheme }, oldQC), true);
    // The same signers do not form a QC of epoch 3: validator 0 is no longer in the set.
    const asNew = {
      ...oldQC,
      signers: set3.encodeBitmap([1, 2, 3]).map((b, k) => b | (k === 0 ? 1 : 0)),
    };
    assert.equal(verifyQC({ chain: f.ctx, validators: set3, scheme }, asNew), false);
    const newQC = {
      view: 5,
      blockHash: hash,
      signers: set3.encodeBitmap([1, 2, 4]),
      signature: sig([1, 2, 4]),
    };
    assert.equal(verifyQC({ chain: f.ctx, validators: set3, scheme }, newQC), true);
    assert.equal(set3.isActive(0), false);
    assert.throws(() => new ValidatorSet(infos3, scheme), /invalid stake 0/);
  });

  it('inactive members never lead', () => {
    const s = weightedSchedule([0, 1, 1, 0, 2]);
    assert.ok(s.length > 0 && s.every((i) => i !== 0 && i !== 3));
  });

  it('penalty and jailing follow the params', () => {
    assert.equal(slashPenalty(simEpochConsensusParams, 1000), 50);
    assert.equal(slashPenalty(simEpochConsensusParams, 3), 1);
    assert.equal(jailedUntilEpoch(simEpochConsensusParams, 5), 9);
  });
});

describe('equivocation evidence', () => {
  const good: EquivocationEvidence = {
    kind: 'vote',
    validator: 2,
    view: 9,
    first: { blockHash: h(1), signature: sign(2, 9, h(1)) },
    second: { blockHash: h(2), signature: sign(2, 9, h(2)) },
  };

  it('two signed votes for different blocks in one view verify against the epoch keys', () => {
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, good)),
      'accepted',
    );
    const e3 = {
      ...good,
      epoch: 3,
      validator: 4,
      first: { blockHash: h(1), signature: sign(4, 9, h(1)) },
      second: { blockHash: h(2), signature: sign(4, 9, h(2)) },
    };
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, e3)),
      'accepted',
    );
  });

  it('rejects forged evidence with typed errors', () => {
    const C = ConsensusErrorCode;
    const bad = { ...good.second, signature: good.second.signature.slice() };
    bad.signature[10]! ^= 1;
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, second: bad })),
      C.EVIDENCE_BAD_SIGNATURE,
    );
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, second: good.first })),
      C.EVIDENCE_SAME_MESSAGE,
    );
    // Halves from different validators: the second is not the accused's signature.
    const other = { blockHash: h(2), signature: sign(3, 9, h(2)) };
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, second: other })),
      C.EVIDENCE_BAD_SIGNATURE,
    );
    // Halves from different views: the view is inside the signed message.
    const later = { blockHash: h(2), signature: sign(2, 10, h(2)) };
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, second: later })),
      C.EVIDENCE_BAD_SIGNATURE,
    );
    // A proposal-kind claim over vote signatures (different domain tag).
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, kind: 'proposal' })),
      C.EVIDENCE_BAD_SIGNATURE,
    );
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, validator: 9 })),
      C.EVIDENCE_UNKNOWN_VALIDATOR,
    );
    // Validator 0 left in epoch 3: not bonded there.
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, epoch: 3, validator: 0 })),
      C.EVIDENCE_UNKNOWN_VALIDATOR,
    );
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, epoch: 2 })),
      C.EVIDENCE_UNKNOWN_EPOCH,
    );
    assert.equal(
      code(() =>
        verifyEquivocationEvidence({ ...evCtx, currentEpoch: 20, unbondingEpochs: 2 }, good),
      ),
      C.EVIDENCE_EXPIRED,
    );
    assert.equal(
      code(() => verifyEquivocationEvidence(evCtx, { ...good, view: -1 })),
      C.EVIDENCE_MALFORMED,
    );
    assert.equal(
      code(() =>
        verifyEquivocationEvidence(evCtx, {
          ...good,
          first: { blockHash: h(1).slice(1), signature: good.first.signature },
        }),
      ),
      C.EVIDENCE_MALFORMED,
    );
  });
});
