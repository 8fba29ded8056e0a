import { bytesToHex, equalBytes } from '@keel/util';
import { tryAggregate } from './certificates.ts';
import { processQC } from './chain.ts';
import { qcDigest, voteSigningMessage } from './encoding.ts';
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
  const vs = s.cert.validators;
  if (!Number.isInteger(v.voter) || v.voter < 0 || v.voter >= vs.size) {
    reject(c, from, 'vote: unknown voter');
    return;
  }
  if (!Number.isSafeInteger(v.view) || !(v.blockHash instanceof Uint8Array)) {
    reject(c, from, 'vote: malformed');
    return;
  }
  if (v.blockHash.length !== 32 || !(v.signature instanceof Uint8Array)) {
    reject(c, from, 'vote: malformed');
    return;
  }
  if (v.view < s.view - 1 || s.formedQCViews.has(v.view)) return;
  if (v.view > s.view + FUTURE_VOTE_VIEWS) {
    reject(c, from, 'vote: too far ahead', false);
    return;
  }
  if (s.badVoters.get(v.view)?.has(v.voter)) return;
  let perView = s.votes.get(v.view);
  if (!perView) s.votes.set(v.view, (perView = new Map()));
  const first = perView.get(v.voter);
  if (first) {
    if (!equalBytes(first.blockHash, v.blockHash)) checkDoubleVote(c, v, first);
    return;
  }
  perView.set(v.voter, {
    blockKey: bytesToHex(v.blockHash),
    blockHash: v.blockHash,
    signature: v.signature,
  });
  tryFormQC(c, v.view, bytesToHex(v.blockHash), v.blockHash);
}

function checkDoubleVote(c: StepContext, v: VoteMessage, first: VoteEntry): void {
  const s = c.s;
  const pk = s.cert.validators.validators[v.voter]!.publicKey;
  const ok = (hash: Uint8Array, sig: Uint8Array) =>
    s.config.scheme.verify(pk, voteSigningMessage(s.cert.chain, v.view, hash), sig);
  if (!ok(v.blockHash, v.signature) || !ok(first.blockHash, first.signature)) return;
  recordEvidence(c, {
    kind: 'vote',
    validator: v.voter,
    view: v.view,
    first: { blockHash: first.blockHash, signature: first.signature },
    second: { blockHash: v.blockHash, signature: v.signature },
  });
}

function tryFormQC(c: StepContext, view: number, key: string, hash: Uint8Array): void {
  const s = c.s;
  const vs = s.cert.validators;
  const perView = s.votes.get(view)!;
  const voters = () =>
    [...perView.entries()]
      .filter(([, e]) => e.blockKey === key)
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
  rememberVerified(s, `q${bytesToHex(qcDigest(qc))}`);
  emit(c, { kind: 'phase', view, phase: 'qc' });
  processQC(c, qc);
}
