import { bytesToHex, equalBytes } from '@keel/util';
import { tryAggregate } from './certificates.ts';
import { processQC } from './chain.ts';
import { qcDigest, voteSigningMessage } from './encoding.ts';
import { type EpochContext, epochForHeight, timeoutEpoch } from './epochs.ts';
import { recordEvidence } from './evidence.ts';
import { emit, reject, rememberVerified, type StepContext, type VoteEntry } from './state.ts';
import type { QuorumCertificate, VoteMessage } from './types.ts';

/** Votes are accepted this many views ahead of ours (we may not have seen the proposal yet). */
const FUTURE_VOTE_VIEWS = 3;

/**
 * Collects votes (the next leader's job). A vote changes nothing until a QC forms; the QC's
 * aggregate signature is checked once, and only when that fails are the votes checked one by
 * one to drop the bad ones.
 */
export function handleVote(c: StepContext, from: number, v: VoteMessage): void {
  const s = c.s;
  if (!Number.isSafeInteger(v.view) || !(v.blockHash instanceof Uint8Array)) {
    reject(c, from, 'vote: malformed');
    return;
  }
  const ep = voteEpoch(c, v.blockHash);
  const vs = ep.validators;
  if (!Number.isInteger(v.voter) || v.voter < 0 || v.voter >= vs.size) {
    reject(c, from, 'vote: unknown voter');
    return;
  }
  if (!vs.isActive(v.voter)) {
    reject(c, from, 'vote: voter is not an active validator of the block epoch');
    return;
  }
  if (v.blockHash.length !== 32 || !(v.signature instanceof Uint8Array)) {
    reject(c, from, 'vote: malformed');
    return;
  }
  if (v.view < s.view - 1) return;
  if (s.formedQCViews.has(v.view)) {
    // The QC is done, but a late conflicting vote is still provable equivocation.
    const first = s.votes.get(v.view)?.get(v.voter);
    if (first && !equalBytes(first.blockHash, v.blockHash)) checkDoubleVote(c, v, first, ep);
    return;
  }
  if (v.view > s.view + FUTURE_VOTE_VIEWS) {
    reject(c, from, 'vote: too far ahead', false);
    return;
  }
  if (s.badVoters.get(v.view)?.has(v.voter)) return;
  let perView = s.votes.get(v.view);
  if (!perView) s.votes.set(v.view, (perView = new Map()));
  const first = perView.get(v.voter);
  if (first) {
    if (!equalBytes(first.blockHash, v.blockHash)) checkDoubleVote(c, v, first, ep);
    return;
  }
  perView.set(v.voter, {
    blockKey: bytesToHex(v.blockHash),
    blockHash: v.blockHash,
    signature: v.signature,
  });
  tryFormQC(c, v.view, bytesToHex(v.blockHash), v.blockHash, ep);
}

/**
 * The epoch a vote counts in: that of its block when we hold it, else that of the block after
 * our head (the usual case: the proposal we are collecting votes for extends our head).
 */
function voteEpoch(c: StepContext, hash: Uint8Array): EpochContext {
  const known = c.s.blocks.get(bytesToHex(hash));
  return (known && epochForHeight(c.s, known.block.height)) ?? timeoutEpoch(c.s);
}

function checkDoubleVote(c: StepContext, v: VoteMessage, first: VoteEntry, ep: EpochContext): void {
  const s = c.s;
  const pk = ep.validators.validators[v.voter]!.publicKey;
  const ok = (hash: Uint8Array, sig: Uint8Array) =>
    s.config.scheme.verify(pk, voteSigningMessage(s.cert.chain, v.view, hash), sig);
  if (!ok(v.blockHash, v.signature) || !ok(first.blockHash, first.signature)) return;
  recordEvidence(c, {
    kind: 'vote',
    validator: v.voter,
    view: v.view,
    ...(ep.epoch > 0 ? { epoch: ep.epoch } : {}),
    first: { blockHash: first.blockHash, signature: first.signature },
    second: { blockHash: v.blockHash, signature: v.signature },
  });
}

function tryFormQC(
  c: StepContext,
  view: number,
  key: string,
  hash: Uint8Array,
  ep: EpochContext,
): void {
  const s = c.s;
  const vs = ep.validators;
  const perView = s.votes.get(view)!;
  const voters = () =>
    [...perView.entries()]
      .filter(([i, e]) => e.blockKey === key && vs.isActive(i))
      .map(([i]) => i)
      .sort((a, b) => a - b);
  let signers = voters();
  if (!vs.isQuorum(vs.stakeOf(signers))) return;
  const msg = voteSigningMessage(s.cert.chain, view, hash);
  const build = (ids: number[]): QuorumCertificate | null => {
    const signature = tryAggregate(
      s.config.scheme,
      ids.map((i) => perView.get(i)!.signature),
    );
    if (!signature) return null;
    return { view, blockHash: hash, signers: vs.encodeBitmap(ids), signature };
  };
  let qc = build(signers);
  if (!qc || !s.config.scheme.verify(vs.aggregatePublicKey(signers), msg, qc.signature)) {
    for (const i of signers) {
      const e = perView.get(i)!;
      if (!s.config.scheme.verify(vs.validators[i]!.publicKey, msg, e.signature)) {
        perView.delete(i);
        let bad = s.badVoters.get(view);
        if (!bad) s.badVoters.set(view, (bad = new Set()));
        bad.add(i);
        reject(c, i, 'vote: invalid signature');
      }
    }
    signers = voters();
    if (!vs.isQuorum(vs.stakeOf(signers))) return;
    qc = build(signers);
    if (!qc) return;
  }
  s.formedQCViews.add(view);
  rememberVerified(s, `q${ep.epoch}:${bytesToHex(qcDigest(qc))}`);
  emit(c, { kind: 'phase', view, phase: 'qc' });
  processQC(c, qc);
}
