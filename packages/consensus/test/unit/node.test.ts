import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConsensusErrorCode,
  type NodeState,
  type SafetyState,
  simConsensusParams,
  step,
  type TimeoutMessage,
  timeoutSigningMessage,
  verifyEvidence,
  voteSigningMessage,
} from '@keel/consensus';
import { simKey } from '@keel/consensus/sim';
import { bytesToHex } from '@keel/util';
import { createFixture, events, ofType, scheme } from '../helpers.ts';

const fx = createFixture([1, 1, 1, 1]);

function started(index: number): NodeState {
  const s = fx.node(index);
  step(s, { type: 'start', now: 0 });
  return s;
}

/** A validator that is not the leader of view 1 (so it does not propose itself). */
const follower = [0, 1, 2, 3].find((i) => i !== fx.election.leader(1, fx.genesis.seed))!;

describe('voting safety', () => {
  it('votes once for a valid proposal and sends the vote to the next leader', () => {
    const s = started(follower);
    const p = fx.proposal(1, fx.genesis, fx.genesisQC);
    const out = step(s, {
      type: 'message',
      from: p.block.proposer,
      message: p.message,
      now: 1,
    }).outputs;
    const persisted = ofType(out, 'persistSafety');
    assert.equal(persisted.at(-1)?.safety.lastVotedView, 1);
    const votes = ofType(out, 'send').filter((o) => o.message.type === 'vote');
    assert.equal(votes.length, 1);
    assert.equal(votes[0]!.to, fx.election.leader(2, p.block.seed));
    // Persist comes before the send.
    assert.ok(out.indexOf(persisted.at(-1)!) < out.indexOf(votes[0]!));
  });

  it('never votes twice in a view; a second signed proposal is equivocation evidence', () => {
    const s = started(follower);
    const a = fx.proposal(1, fx.genesis, fx.genesisQC, Uint8Array.of(1));
    const b = fx.proposal(1, fx.genesis, fx.genesisQC, Uint8Array.of(2));
    step(s, { type: 'message', from: a.block.proposer, message: a.message, now: 1 });
    const out = step(s, {
      type: 'message',
      from: b.block.proposer,
      message: b.message,
      now: 2,
    }).outputs;
    assert.equal(ofType(out, 'send').length, 0);
    const ev = ofType(out, 'evidence');
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.evidence.validator, a.block.proposer);
    assert.equal(verifyEvidence(s, ev[0]!.evidence), true);
    assert.equal(verifyEvidence(s, { ...ev[0]!.evidence, view: 2 }), false);
  });

  it('a restarted node with persisted SafetyState does not vote again in the same view', () => {
    const s = started(follower);
    const a = fx.proposal(1, fx.genesis, fx.genesisQC, Uint8Array.of(1));
    const out = step(s, { type: 'message', from: a.block.proposer, message: a.message, now: 1 });
    const safety: SafetyState = ofType(out.outputs, 'persistSafety').at(-1)!.safety;
    const restarted = fx.node(follower);
    Object.assign(restarted, { safety });
    step(restarted, { type: 'start', now: 5 });
    const b = fx.proposal(1, fx.genesis, fx.genesisQC, Uint8Array.of(2));
    const again = step(restarted, {
      type: 'message',
      from: b.block.proposer,
      message: b.message,
      now: 6,
    });
    assert.equal(ofType(again.outputs, 'send').length, 0);
  });

  it('refuses messages from another genesis and proposals with a forged QC', () => {
    const s = started(follower);
    const p = fx.proposal(1, fx.genesis, fx.genesisQC);
    const wrong = { ...p.message, genesisHash: new Uint8Array(32).fill(9) };
    const ev1 = events(step(s, { type: 'message', from: 0, message: wrong, now: 1 }).outputs);
    assert.deepEqual(
      ev1.map((e) => e.kind === 'rejected' && e.reason),
      ['genesis hash mismatch'],
    );
    const forged = fx.qcFor(1, p.hash, [0]);
    const bad = fx.proposal(2, p.block, {
      ...forged,
      signers: fx.validators.encodeBitmap([0, 1, 2]),
    });
    const ev2 = events(step(s, { type: 'message', from: 0, message: bad.message, now: 2 }).outputs);
    assert.ok(ev2.some((e) => e.kind === 'rejected' && e.reason === 'proposal: invalid QC'));
    assert.equal(s.view, 1, 'a forged QC does not move the view');
  });
});

describe('vote aggregation', () => {
  it('forms a QC from valid votes and drops an invalid one', () => {
    const p = fx.proposal(1, fx.genesis, fx.genesisQC);
    const leader2 = fx.election.leader(2, p.block.seed);
    const s = started(leader2);
    const own = step(s, { type: 'message', from: p.block.proposer, message: p.message, now: 1 });
    // The leader's own vote leaves `step` as a send to itself; the driver loops it back.
    const selfVote = ofType(own.outputs, 'send').find((o) => o.to === leader2);
    assert.ok(
      selfVote && selfVote.message.type === 'vote',
      'the next leader sends its vote to itself',
    );
    step(s, { type: 'message', from: leader2, message: selfVote.message, now: 1 });
    const others = [0, 1, 2, 3].filter((i) => i !== leader2);
    const msg = voteSigningMessage(fx.ctx, 1, p.hash);
    const vote = (voter: number, corrupt: boolean) => {
      const signature = scheme.sign(simKey(scheme, voter).secretKey, msg);
      if (corrupt) signature[95]! ^= 1;
      return {
        type: 'vote' as const,
        genesisHash: fx.gHash,
        view: 1,
        blockHash: p.hash,
        voter,
        signature,
      };
    };
    // The leader already voted for itself; a bad vote then one good one reach the quorum.
    const o1 = step(s, {
      type: 'message',
      from: others[0]!,
      message: vote(others[0]!, true),
      now: 2,
    });
    const o2 = step(s, {
      type: 'message',
      from: others[1]!,
      message: vote(others[1]!, false),
      now: 3,
    });
    assert.ok(
      events(o2.outputs).some(
        (e) => e.kind === 'rejected' && e.reason === 'vote: invalid signature',
      ) || events(o1.outputs).some((e) => e.kind === 'rejected'),
    );
    assert.equal(s.view, 1, 'two valid votes of four are not a quorum');
    const o3 = step(s, {
      type: 'message',
      from: others[2]!,
      message: vote(others[2]!, false),
      now: 4,
    });
    assert.equal(s.view, 2);
    assert.equal(s.safety.highQC.view, 1);
    const proposals = ofType(o3.outputs, 'broadcast').filter((o) => o.message.type === 'proposal');
    assert.equal(proposals.length, 1, 'the new leader proposes in view 2');
  });
});

describe('fork handling with more than 1/3 Byzantine stake (keys all held by the test)', () => {
  it('halts with FINALITY_VIOLATION rather than commit a conflicting block', () => {
    const s = started(follower);
    const feed = (m: ReturnType<typeof fx.proposal>) =>
      step(s, { type: 'message', from: m.block.proposer, message: m.message, now: 1 }).outputs;
    const b1 = fx.proposal(1, fx.genesis, fx.genesisQC);
    const b2 = fx.proposal(2, b1.block, fx.qcFor(1, b1.hash));
    const b3 = fx.proposal(3, b2.block, fx.qcFor(2, b2.hash));
    feed(b1);
    feed(b2);
    const commits = ofType(feed(b3), 'commit');
    assert.deepEqual(
      commits.map((c) => c.block.height),
      [1],
    );
    const c1 = fx.proposal(10, fx.genesis, fx.genesisQC, Uint8Array.of(0xc1));
    const c2 = fx.proposal(11, c1.block, fx.qcFor(10, c1.hash));
    const c3 = fx.proposal(12, c2.block, fx.qcFor(11, c2.hash));
    feed(c1);
    feed(c2);
    const out = feed(c3);
    assert.equal(ofType(out, 'commit').length, 0);
    assert.equal(s.halted?.code, ConsensusErrorCode.FINALITY_VIOLATION);
    assert.deepEqual(step(s, { type: 'tick', now: 2 }).outputs, [], 'a halted node is silent');
  });

  it('halts with REORG_TOO_DEEP when the certified head jumps past the reorg limit', () => {
    const limited = createFixture([1, 1, 1, 1], { ...simConsensusParams, reorgDepthLimit: 2 });
    const s = limited.node(follower);
    step(s, { type: 'start', now: 0 });
    const feed = (m: ReturnType<typeof limited.proposal>) =>
      step(s, { type: 'message', from: m.block.proposer, message: m.message, now: 1 }).outputs;
    // Views 1, 3, 5, 7: never two in a row, so nothing commits, but each block is certified.
    let parent = limited.genesis;
    let qc = limited.genesisQC;
    for (const view of [1, 3, 5, 7]) {
      const p = limited.proposal(view, parent, qc);
      feed(p);
      parent = p.block;
      qc = limited.qcFor(view, p.hash);
    }
    feed(limited.proposal(9, parent, qc)); // head: height 4
    assert.equal(s.halted as unknown, null);
    const fork = limited.proposal(20, limited.genesis, limited.genesisQC, Uint8Array.of(0xf0));
    feed(fork);
    feed(limited.proposal(22, fork.block, limited.qcFor(20, fork.hash)));
    assert.equal(s.halted?.code, ConsensusErrorCode.REORG_TOO_DEEP);
    assert.match(s.halted!.message, /4 blocks deep \(limit 2\)/);
  });
});

describe('block fetch', () => {
  it('stores a fetched chain oldest first, so a leader proposes on a head whose ancestors it holds', () => {
    const b1 = fx.proposal(1, fx.genesis, fx.genesisQC);
    const b2 = fx.proposal(2, b1.block, fx.qcFor(1, b1.hash));
    const b3 = fx.proposal(3, b2.block, fx.qcFor(2, b2.hash));
    const leader4 = fx.election.leader(4, b3.block.seed);
    const s = fx.node(leader4);
    // The app sees, at proposal time, which ancestors of the parent consensus already holds.
    const heldAtPropose: boolean[][] = [];
    Object.assign(s.config, {
      app: {
        proposePayload: () => {
          heldAtPropose.push([b1, b2, b3].map((b) => s.blocks.has(bytesToHex(b.hash))));
          return new Uint8Array([4]);
        },
        validatePayload: () => true,
        onCommit: () => {},
      },
    });
    step(s, { type: 'start', now: 0 });
    // A timeout for view 4 brings QC(3) for a block this node has never seen: it asks for it.
    const sender = [0, 1, 2, 3].find((i) => i !== leader4)!;
    const timeout: TimeoutMessage = {
      type: 'timeout',
      genesisHash: fx.gHash,
      view: 4,
      sender,
      highQC: fx.qcFor(3, b3.hash),
      lastTC: null,
      signature: scheme.sign(simKey(scheme, sender).secretKey, timeoutSigningMessage(fx.ctx, 4, 3)),
    };
    const out = step(s, { type: 'message', from: sender, message: timeout, now: 1 }).outputs;
    assert.ok(out.some((o) => 'message' in o && o.message.type === 'blockRequest'));
    assert.equal(s.view, 4);
    assert.equal(heldAtPropose.length, 0, 'no proposal without the parent block');
    // The response comes newest first (head, then its ancestors), as peers send it.
    const res = step(s, {
      type: 'message',
      from: sender,
      message: {
        type: 'blockResponse',
        genesisHash: fx.gHash,
        blocks: [b3.block, b2.block, b1.block],
      },
      now: 2,
    }).outputs;
    assert.deepEqual(heldAtPropose, [[true, true, true]], 'proposed once, every ancestor held');
    assert.equal(ofType(res, 'broadcast').filter((o) => o.message.type === 'proposal').length, 1);
    assert.deepEqual(
      ofType(res, 'commit').map((c) => c.block.height),
      [1, 2],
      'QC(3) certifies b3, whose QC is from view 2: its parent b2 (and b1) are final, in order',
    );
  });
});
