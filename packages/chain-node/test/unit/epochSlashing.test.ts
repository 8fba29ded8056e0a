import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveValidatorKeys, LedgerApp, Mempool } from '@keel/chain-node';
import {
  ConsensusErrorCode,
  defaultConsensusParams,
  jailedUntilEpoch,
  slashPenalty,
  voteSigningMessage,
} from '@keel/consensus';
import { ecvrfELL2, loadBlsBackend } from '@keel/crypto';
import {
  createGenesisState,
  createLedger,
  type EpochParams,
  encodeEvidenceTx,
  type LedgerEvidence,
  slashAmount,
} from '@keel/ledger';
import { bytesToHex, nullLogger } from '@keel/util';
import { consensusEpochParams, createEvidenceVerifier } from '../../src/app/epochs.ts';
import { decodePayload } from '../../src/app/payload.ts';

const EPOCHS: EpochParams = {
  epochLength: 4,
  unbondingEpochs: 1,
  jailEpochs: 1,
  slashFractionBps: 500,
};
const chain = { chainId: 'keel-epochs', genesisHash: new Uint8Array(32).fill(7) };

async function fixture() {
  const bls = await loadBlsBackend('blst');
  const keys = [0, 1, 2, 3].map((i) => deriveValidatorKeys(i, new Uint8Array(32).fill(i + 1)));
  const ledger = createLedger({ evidenceVerifier: createEvidenceVerifier(() => chain, bls) });
  const g = createGenesisState(ledger, {
    chainId: chain.chainId,
    balances: [],
    validators: keys.map((k) => ({
      stake: 10_000n,
      blsPublicKey: bls.secretKeyToPublicKey(k.blsSecretKey),
      blsPop: bls.popProve(k.blsSecretKey),
      vrfPublicKey: ecvrfELL2.getPublicKey(k.vrfSecretKey),
    })),
    epochs: EPOCHS,
  });
  /** Two votes by validator `i` in `view` for different blocks, signed with its real key. */
  const equivocation = (i: number, view: number, signer = i): LedgerEvidence => {
    const h1 = new Uint8Array(32).fill(0xa1);
    const h2 = new Uint8Array(32).fill(0xb2);
    const sk = keys[signer]!.blsSecretKey;
    return {
      kind: 'vote',
      validator: i,
      epoch: 0,
      view,
      first: { blockHash: h1, signature: bls.sign(sk, voteSigningMessage(chain, view, h1)) },
      second: { blockHash: h2, signature: bls.sign(sk, voteSigningMessage(chain, view, h2)) },
    };
  };
  return { bls, ledger, state: g.state, equivocation };
}

test('the ledger slashes with consensus verifyEquivocationEvidence; forged evidence gets its code', async () => {
  const { ledger, state, equivocation } = await fixture();
  const ok = ledger.applyBlock(state, [encodeEvidenceTx(equivocation(2, 5))], {
    height: 2n,
    time: 0n,
  });
  assert.equal(ok.slashed?.[0]?.penalty, 500n);
  const code = (e: LedgerEvidence, height = 2n) => {
    const v = ledger.checkEvidence(state, encodeEvidenceTx(e), height);
    return v.ok ? 'ok' : v.error.meta.code;
  };
  assert.equal(code(equivocation(2, 5)), 'ok');
  assert.equal(code(equivocation(2, 5, 3)), ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE);
  assert.equal(code(equivocation(9, 5, 2)), ConsensusErrorCode.EVIDENCE_UNKNOWN_VALIDATOR);
  const e = equivocation(2, 5);
  assert.equal(code({ ...e, second: e.first }), ConsensusErrorCode.EVIDENCE_SAME_MESSAGE);
  // a vote signature from another view cannot stand in (the view is in the signed message)
  const other = equivocation(2, 6);
  assert.equal(code({ ...e, second: other.second }), ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE);
  // epoch 0 evidence in a block of epoch 2 (> 1 unbonding epoch later) has expired
  assert.equal(code(e, 9n), ConsensusErrorCode.EVIDENCE_EXPIRED);
  const dup = ledger.checkEvidence(ok.state, encodeEvidenceTx(equivocation(2, 7)), 3n);
  assert.equal(!dup.ok && dup.reason, 'evidence_duplicate');
});

test('ledger and consensus agree on the penalty and the jail term', () => {
  const params = { ...defaultConsensusParams, ...consensusEpochParams(EPOCHS) };
  for (const stake of [1, 19, 20, 1000, 10_000, 123_457]) {
    assert.equal(slashAmount(EPOCHS, BigInt(stake)), BigInt(slashPenalty(params, stake)));
  }
  assert.equal(jailedUntilEpoch(params, 5), 5 + 2 + EPOCHS.jailEpochs);
});

test('LedgerApp keeps verified evidence, proposes it, and reports the jailed set at the boundary', async () => {
  const { ledger, state, equivocation } = await fixture();
  let mempool: Mempool | null = null;
  const app = new LedgerApp({
    ledger,
    committed: state,
    committedHash: '00'.repeat(32),
    maxTxsPerBlock: 100,
    maxPayloadBytes: 1 << 20,
    mempool: () => mempool!,
    now: () => 1,
    blockByHash: () => null,
    onApplied: () => {},
    logger: nullLogger,
  });
  mempool = new Mempool(
    {},
    (a) => app.account(a),
    (raw) => app.checkTx(raw),
  );
  const raw = encodeEvidenceTx(equivocation(1, 3));
  assert.equal(app.addEvidence(raw).status, 'new');
  assert.equal(app.addEvidence(raw).status, 'known');
  const forged = app.addEvidence(encodeEvidenceTx(equivocation(1, 3, 0)));
  assert.equal(forged.status, 'rejected');
  let parent = new Uint8Array(32);
  for (let h = 1; h <= 4; h++) {
    const payload = app.proposePayload({ parentHash: parent, height: h, view: h });
    if (h === 1) assert.deepEqual(decodePayload(payload, 100).txs, [raw]);
    const hash = new Uint8Array(32).fill(h);
    const block = { height: h, view: h, parentHash: parent, payload } as never;
    assert.ok(app.validatePayload(block, hash));
    app.onCommit(block, hash);
    parent = hash;
  }
  assert.equal(app.pendingEvidence, 0);
  // height 4 = 1·L fixed epoch 2: validator 1 jailed (until 0 + 2 + 1 = 3), the rest unchanged
  const next = app.nextEpochValidators({} as never, parent, 2)!;
  assert.deepEqual(
    next.map((v) => v.stake),
    [10_000, 0, 10_000, 10_000],
  );
  assert.equal(
    bytesToHex(next[1]!.publicKey),
    bytesToHex(ledger.epochValidators(state, 0)![1]!.blsPublicKey),
  );
});
