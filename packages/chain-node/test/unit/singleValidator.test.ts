import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type App,
  blockHash,
  type ConsensusOutput,
  createGenesisBlock,
  createNodeState,
  createRoundRobinElection,
  simConsensusParams,
  step,
  ValidatorSet,
} from '@keel/consensus';
import { simKey } from '@keel/consensus/sim';
import { loadBlsBackend } from '@keel/crypto/bls';

const scheme = await loadBlsBackend('blst');

/**
 * Regression: a 1-validator devnet stopped near height 630 with "Maximum call stack size
 * exceeded". The lone validator is its own next leader and its vote alone is a quorum, so
 * handling that vote inside `step` formed a QC, entered the next view, proposed, voted again…
 * recursively, without end, in one input. The vote now leaves `step` as a `send` to our own
 * index, and the node loops it back as a new input (paced by the block time).
 */
describe('single validator', () => {
  const infos = [{ stake: 1000, publicKey: simKey(scheme, 0).publicKey }];
  const validators = new ValidatorSet(infos, scheme);
  const genesis = createGenesisBlock({ chainId: 'keel-single', validators: infos });
  const committed: number[] = [];
  const app: App = {
    proposePayload: (ctx) => Uint8Array.of(ctx.height & 0xff),
    validatePayload: () => true,
    onCommit: (b) => committed.push(b.height),
  };
  const s = createNodeState({
    chainId: 'keel-single',
    genesis,
    validators,
    index: 0,
    secretKey: simKey(scheme, 0).secretKey,
    scheme,
    election: createRoundRobinElection(validators),
    app,
    params: simConsensusParams,
  });
  const selfSends = (out: readonly ConsensusOutput[]) =>
    out.filter((o) => o.type === 'send' && o.to === 0);

  it('each input advances at most one view; looping the own vote back keeps the chain going', () => {
    let out = step(s, { type: 'start', now: 0 }).outputs;
    assert.equal(s.view, 1, 'start enters view 1 and proposes, nothing more');
    let pending = selfSends(out);
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.type === 'send' && pending[0]!.message.type, 'vote');
    for (let i = 1; i <= 40; i++) {
      const before: number = s.view;
      const vote = pending[0]!;
      assert.ok(vote.type === 'send');
      out = step(s, { type: 'message', from: 0, message: vote.message, now: i * 10 }).outputs;
      assert.equal(s.view, before + 1, `vote ${i} forms one QC and enters exactly one view`);
      pending = selfSends(out);
      assert.equal(pending.length, 1, `view ${s.view}: one own vote to loop back`);
    }
    assert.equal(s.halted, null);
    // 2-chain: after the QC of view 41 the block of view 39 (height 39) is committed.
    assert.deepEqual(
      committed,
      Array.from({ length: 39 }, (_, i) => i + 1),
    );
    assert.equal(s.committedHeight, 39);
    assert.ok(s.blocks.has(s.headKey));
    assert.notEqual(s.headKey, Buffer.from(blockHash(genesis)).toString('hex'));
  });
});
