import { bytesToHex, equalBytes } from '@keel/util';
import { tcHighQCView } from './certificates.ts';
import {
  checkQC,
  checkTC,
  isWellFormedBlock,
  processQC,
  processTC,
  requestBlock,
  storeBlock,
} from './chain.ts';
import { blockHash, proposalSigningMessage, voteSigningMessage } from './encoding.ts';
import { epochForHeight, epochOfHeight } from './epochs.ts';
import { recordEvidence } from './evidence.ts';
import { emit, reject, type StepContext, setSafety } from './state.ts';
import type { Block, ProposalMessage, TimeoutCertificate, VoteMessage } from './types.ts';

/**
 * Proposes once per view when this node leads it: extend the highest certified block, with a
 * QC from the previous view, or a TC for the previous view whose reported high QCs ours covers.
 */
export function tryPropose(c: StepContext): void {
  const s = c.s;
  const view = s.view;
  if (s.halted || !s.started || s.lastProposedView >= view) return;
  const qc = s.safety.highQC;
  const parent = s.blocks.get(bytesToHex(qc.blockHash));
  if (!parent) return;
  const { index } = s.config;
  const height = parent.block.height + 1;
  const ep = epochForHeight(s, height);
  // A validator outside the block's epoch set (left, jailed, not yet joined) never leads.
  if (!ep || !ep.validators.isActive(index)) return;
  const election = ep.election;
  if (election.leader(view, parent.block.seed) !== index) return;
  let tc: TimeoutCertificate | null = null;
  if (qc.view + 1 !== view) {
    if (!s.lastTC || s.lastTC.view + 1 !== view || qc.view < tcHighQCView(s.lastTC)) return;
    tc = s.lastTC;
  }
  const payload = s.config.app.proposePayload({ parentHash: parent.hash, height, view });
  const { proof, seed } = election.prove(view, parent.block.seed, s.config.vrfSecretKey);
  const block: Block = {
    parentHash: parent.hash,
    height,
    view,
    proposer: index,
    payload,
    qc,
    leaderProof: proof,
    seed,
  };
  const hash = blockHash(block);
  const message: ProposalMessage = {
    type: 'proposal',
    genesisHash: s.cert.chain.genesisHash,
    block,
    tc,
    signature: s.config.scheme.sign(
      s.config.secretKey,
      proposalSigningMessage(s.cert.chain, view, hash),
    ),
  };
  s.lastProposedView = view;
  emit(c, { kind: 'phase', view, phase: 'propose' });
  c.out.push({ type: 'broadcast', message });
  handleProposal(c, index, message);
}

/**
 * A proposal, checked in order of cost: shape, proposer signature (also what makes an
 * equivocation provable), the carried QC/TC, the parent, leader eligibility, the payload.
 */
export function handleProposal(c: StepContext, from: number, m: ProposalMessage): void {
  const s = c.s;
  const b = m.block;
  if (!isWellFormedBlock(b)) {
    reject(c, from, 'proposal: malformed block');
    return;
  }
  const ep = epochForHeight(s, b.height);
  if (!ep) {
    // Its epoch's set is fixed by a commit we have not made yet: keep it (bounded) until then.
    const e = epochOfHeight(s.params, b.height);
    if (e === s.latestEpoch + 1 && b.view <= s.view + s.params.maxFutureViews) {
      const list = s.pendingEpoch.get(e) ?? [];
      if (list.length < 8) list.push({ from, message: m });
      s.pendingEpoch.set(e, list);
    } else reject(c, from, 'proposal: epoch set unknown', false);
    // Its QC certifies the parent, whose epoch we may know: that QC (checked strictly) is
    // often exactly what commits the boundary block that fixes the missing set.
    if (b.qc.view > 0 && epochForHeight(s, b.height - 1) && checkQC(s, b.qc, b.height - 1)) {
      processQC(c, b.qc);
    }
    // We are behind: fetch the chain below it, whose commits fix the sets we lack.
    const parentKey = bytesToHex(b.parentHash);
    if (!s.blocks.has(parentKey)) requestBlock(c, parentKey, from);
    return;
  }
  if (!ep.validators.isActive(b.proposer)) {
    reject(c, from, 'proposal: proposer is not an active validator of the block epoch');
    return;
  }
  if (!(m.signature instanceof Uint8Array)) {
    reject(c, from, 'proposal: malformed');
    return;
  }
  if (b.view > s.view + s.params.maxFutureViews) {
    reject(c, from, 'proposal: too far', false);
    return;
  }
  const hash = blockHash(b);
  const pk = ep.validators.validators[b.proposer]!.publicKey;
  const signed = proposalSigningMessage(s.cert.chain, b.view, hash);
  if (!s.config.scheme.verify(pk, signed, m.signature)) {
    reject(c, from, 'proposal: invalid signature');
    return;
  }
  if (!noteProposal(c, b, hash, m.signature, ep.epoch)) return;
  if (m.tc && (m.tc.view >= b.view || !checkTC(s, m.tc, ep))) {
    reject(c, from, 'proposal: invalid TC');
    return;
  }
  if (!checkQC(s, b.qc, b.height - 1)) {
    reject(c, from, 'proposal: invalid QC');
    return;
  }
  processQC(c, b.qc);
  if (m.tc) processTC(c, m.tc);
  if (s.halted) return;
  const parentKey = bytesToHex(b.parentHash);
  const parent = s.blocks.get(parentKey);
  if (!parent) {
    const list = s.pendingProposals.get(parentKey) ?? [];
    if (list.length < 4) list.push({ from, message: m });
    s.pendingProposals.set(parentKey, list);
    requestBlock(c, parentKey, from);
    return;
  }
  if (parent.block.height + 1 !== b.height || b.view <= parent.block.view) {
    reject(c, from, 'proposal: does not extend its parent');
    return;
  }
  const { app } = s.config;
  const election = ep.election;
  if (!election.verify(b.view, parent.block.seed, b.proposer, b.leaderProof, b.seed)) {
    reject(c, from, 'proposal: proposer is not the leader (bad election proof)');
    return;
  }
  if (!app.validatePayload(b, hash)) {
    reject(c, from, 'proposal: invalid payload');
    return;
  }
  storeBlock(c, b, hash);
  maybeVote(c, b, hash, m.tc);
}

/** Records the first signed proposal per (view, proposer); a second, different one is evidence. */
function noteProposal(
  c: StepContext,
  b: Block,
  hash: Uint8Array,
  signature: Uint8Array,
  epoch: number,
): boolean {
  const s = c.s;
  let perView = s.seenProposals.get(b.view);
  if (!perView) s.seenProposals.set(b.view, (perView = new Map()));
  const first = perView.get(b.proposer);
  if (!first) {
    perView.set(b.proposer, { blockKey: bytesToHex(hash), blockHash: hash, signature });
    return true;
  }
  if (equalBytes(first.blockHash, hash)) return true; // a duplicate: process again (idempotent)
  recordEvidence(c, {
    kind: 'proposal',
    validator: b.proposer,
    view: b.view,
    ...(epoch > 0 ? { epoch } : {}),
    first: { blockHash: first.blockHash, signature: first.signature },
    second: { blockHash: hash, signature },
  });
  return false;
}

/**
 * The voting rule (Jolteon): vote once per view, only in the current view, only for a block
 * whose QC is from the previous view, or whose TC is from the previous view and whose QC is at
 * least every high QC the TC reports. The vote goes to the next view's leader.
 */
function maybeVote(c: StepContext, b: Block, hash: Uint8Array, tc: TimeoutCertificate | null) {
  const s = c.s;
  if (b.view !== s.view || b.view <= s.safety.lastVotedView || s.halted) return;
  const direct = b.qc.view + 1 === b.view;
  const viaTC = tc !== null && tc.view + 1 === b.view && b.qc.view >= tcHighQCView(tc);
  if (!direct && !viaTC) return;
  // A validator that left (or is jailed) stops voting once the chain crosses the boundary.
  if (!epochForHeight(s, b.height)?.validators.isActive(s.config.index)) return;
  setSafety(c, { ...s.safety, lastVotedView: b.view });
  const vote: VoteMessage = {
    type: 'vote',
    genesisHash: s.cert.chain.genesisHash,
    view: b.view,
    blockHash: hash,
    voter: s.config.index,
    signature: s.config.scheme.sign(
      s.config.secretKey,
      voteSigningMessage(s.cert.chain, b.view, hash),
    ),
  };
  emit(c, { kind: 'phase', view: b.view, phase: 'vote' });
  // The next leader is chosen in the epoch of the child block (height + 1).
  const nextEp = epochForHeight(s, b.height + 1);
  const next = nextEp ? nextEp.election.leader(b.view + 1, b.seed) : -1;
  // Our own vote, when we lead the next view, goes out as a `send` to ourselves as well: the
  // driver loops it back as a new input. Handling it inline let one step run view after view
  // when our vote alone is a quorum (a 1-validator chain overflowed the stack near height 630).
  if (next < 0) c.out.push({ type: 'broadcast', message: vote });
  else c.out.push({ type: 'send', to: next, message: vote });
}
