import { bytesToHex } from '@keel/util';
import { tryAggregate } from './certificates.ts';
import { checkQC, checkTC, processQC, processTC } from './chain.ts';
import { tcDigest, timeoutSigningMessage } from './encoding.ts';
import { timeoutEpoch } from './epochs.ts';
import { viewTimeoutMs } from './params.ts';
import { tryPropose } from './proposals.ts';
import { emit, reject, rememberVerified, type StepContext, setSafety } from './state.ts';
import type { TimeoutCertificate, TimeoutMessage } from './types.ts';

/**
 * Enters `view` (never goes back). Entering through a QC resets the timeout backoff; every
 * view entered through a TC (or joined because > 1/3 of stake timed out) lengthens it.
 */
export function advanceTo(
  c: StepContext,
  view: number,
  reason: 'qc' | 'tc' | 'timeouts' | 'start',
): void {
  const s = c.s;
  if (view <= s.view || s.halted) return;
  s.view = view;
  if (reason === 'qc') s.consecutiveTimeouts = 0;
  else if (reason !== 'start') s.consecutiveTimeouts++;
  for (const v of s.votes.keys()) {
    if (v < view - 1) {
      s.votes.delete(v);
      s.badVoters.delete(v);
      s.formedQCViews.delete(v);
    }
  }
  for (const v of s.timeouts.keys()) if (v < view) s.timeouts.delete(v);
  for (const [sender, v] of s.futureTimeoutView) if (v <= view) s.futureTimeoutView.delete(sender);
  for (const v of s.seenProposals.keys()) if (v < view - 1000) s.seenProposals.delete(v);
  for (const [k, list] of s.pendingProposals) {
    const keep = list.filter((p) => p.message.block.view >= view - 1);
    if (keep.length === 0) s.pendingProposals.delete(k);
    else s.pendingProposals.set(k, keep);
  }
  emit(c, { kind: 'viewChange', view, reason });
  c.out.push({
    type: 'setTimer',
    view,
    at: c.now + viewTimeoutMs(s.params, s.consecutiveTimeouts),
  });
  tryPropose(c);
}

export function onTimer(c: StepContext, view: number): void {
  if (view !== c.s.view || c.s.halted) return;
  localTimeout(c);
}

/**
 * Gives up on the current view: never vote in it again (persisted first), broadcast a signed
 * timeout carrying the highest QC and last TC, and re-arm the timer to retransmit it.
 */
export function localTimeout(c: StepContext): void {
  const s = c.s;
  const v = s.view;
  if (!timeoutEpoch(s).validators.isActive(s.config.index)) {
    // Not in the set (left, jailed, not joined yet): follow, but never sign a timeout.
    c.out.push({
      type: 'setTimer',
      view: v,
      at: c.now + viewTimeoutMs(s.params, s.consecutiveTimeouts),
    });
    return;
  }
  if (s.ownTimeout?.view !== v) {
    setSafety(c, {
      ...s.safety,
      lastVotedView: Math.max(s.safety.lastVotedView, v),
      lastTimeoutView: Math.max(s.safety.lastTimeoutView, v),
    });
    const highQC = s.safety.highQC;
    const message: TimeoutMessage = {
      type: 'timeout',
      genesisHash: s.cert.chain.genesisHash,
      view: v,
      sender: s.config.index,
      highQC,
      lastTC: s.lastTC,
      signature: s.config.scheme.sign(
        s.config.secretKey,
        timeoutSigningMessage(s.cert.chain, v, highQC.view),
      ),
    };
    s.ownTimeout = message;
    emit(c, { kind: 'phase', view: v, phase: 'timeout' });
    collector(c, v).set(s.config.index, { message, verified: true });
  }
  c.out.push({ type: 'broadcast', message: s.ownTimeout! });
  c.out.push({
    type: 'setTimer',
    view: v,
    at: c.now + viewTimeoutMs(s.params, s.consecutiveTimeouts),
  });
  checkTimeouts(c, v);
}

function collector(c: StepContext, view: number) {
  let col = c.s.timeouts.get(view);
  if (!col) c.s.timeouts.set(view, (col = new Map()));
  return col;
}

export function handleTimeout(c: StepContext, from: number, t: TimeoutMessage): void {
  const s = c.s;
  const vs = timeoutEpoch(s).validators;
  const n = vs.size;
  if (
    !Number.isInteger(t.sender) ||
    t.sender < 0 ||
    t.sender >= n ||
    !Number.isSafeInteger(t.view)
  ) {
    reject(c, from, 'timeout: malformed');
    return;
  }
  if (!vs.isActive(t.sender)) {
    reject(c, from, 'timeout: sender is not an active validator', false);
    return;
  }
  if (!t.highQC || !(t.signature instanceof Uint8Array) || t.highQC.view >= t.view) {
    reject(c, from, 'timeout: malformed');
    return;
  }
  if (t.lastTC && t.lastTC.view >= t.view) {
    reject(c, from, 'timeout: TC not below view');
    return;
  }
  if (t.view > s.view + s.params.maxFutureViews) {
    reject(c, from, 'timeout: too far', false);
    return;
  }
  if (!checkQC(s, t.highQC, null)) {
    reject(c, from, 'timeout: invalid high QC');
    return;
  }
  if (t.lastTC && !checkTC(s, t.lastTC, null)) {
    reject(c, from, 'timeout: invalid TC');
    return;
  }
  if (t.highQC.view > s.safety.highQC.view || t.highQC.view >= s.view) processQC(c, t.highQC);
  if (t.lastTC && t.lastTC.view >= s.view) processTC(c, t.lastTC);
  if (t.view < s.view || s.halted) return;
  const col = collector(c, t.view);
  if (col.has(t.sender)) return;
  if (t.view > s.view) {
    // One pending future-view timeout per sender bounds what spam can make us hold.
    const prev = s.futureTimeoutView.get(t.sender);
    if (prev !== undefined && prev !== t.view) s.timeouts.get(prev)?.delete(t.sender);
    s.futureTimeoutView.set(t.sender, t.view);
  }
  col.set(t.sender, { message: t, verified: false });
  checkTimeouts(c, t.view);
}

/**
 * More than 1/3 of stake timed out in a view at or above ours: at least one honest node did,
 * so join it (Bracha-style amplification keeps honest nodes' views together). More than 2/3:
 * form the TC and move on.
 */
function checkTimeouts(c: StepContext, w: number): void {
  const s = c.s;
  const vs = timeoutEpoch(s).validators;
  const col = s.timeouts.get(w);
  if (!col || w < s.view) return;
  for (const i of col.keys()) if (!vs.isActive(i)) col.delete(i);
  // A node outside the set cannot time out itself; it may still assemble others' timeouts.
  const joined = w === s.view && (s.ownTimeout?.view === w || !vs.isActive(s.config.index));
  if (!joined && vs.exceedsOneThird(vs.stakeOf([...col.keys()]))) {
    verifyPending(c, w);
    if (vs.exceedsOneThird(vs.stakeOf([...col.keys()]))) {
      advanceTo(c, w, 'timeouts');
      if (s.view === w) localTimeout(c); // re-enters checkTimeouts with `joined` true
      return;
    }
  }
  if (joined && vs.isQuorum(vs.stakeOf([...col.keys()]))) {
    verifyPending(c, w);
    if (vs.isQuorum(vs.stakeOf([...col.keys()]))) formTC(c, w);
  }
}

/** Checks every unverified timeout of view `w` with one aggregate check, or one by one. */
function verifyPending(c: StepContext, w: number): void {
  const s = c.s;
  const col = s.timeouts.get(w)!;
  const pending = [...col.entries()].filter(([, e]) => !e.verified).sort((a, b) => a[0] - b[0]);
  if (pending.length === 0) return;
  const scheme = s.config.scheme;
  const vs = timeoutEpoch(s).validators;
  const msg = (t: TimeoutMessage) => timeoutSigningMessage(s.cert.chain, w, t.highQC.view);
  const agg = tryAggregate(
    scheme,
    pending.map(([, e]) => e.message.signature),
  );
  // Group signers by the message they signed: one aggregate key and one pairing per group.
  const groups = new Map<number, number[]>();
  for (const [i, e] of pending) {
    const g = groups.get(e.message.highQC.view);
    if (g) g.push(i);
    else groups.set(e.message.highQC.view, [i]);
  }
  const views = [...groups.keys()].sort((a, b) => a - b);
  const ok =
    agg !== null &&
    scheme.aggregateVerify(
      views.map((v) => vs.aggregatePublicKey(groups.get(v)!)),
      views.map((v) => timeoutSigningMessage(s.cert.chain, w, v)),
      agg,
    );
  for (const [i, e] of pending) {
    if (ok || scheme.verify(vs.validators[i]!.publicKey, msg(e.message), e.message.signature)) {
      e.verified = true;
    } else {
      col.delete(i);
      reject(c, i, 'timeout: invalid signature');
    }
  }
}

function formTC(c: StepContext, w: number): void {
  const s = c.s;
  if (s.lastTC && s.lastTC.view >= w) return;
  const ep = timeoutEpoch(s);
  const entries = [...s.timeouts.get(w)!.entries()]
    .filter(([i]) => ep.validators.isActive(i))
    .sort((a, b) => a[0] - b[0]);
  const signature = tryAggregate(
    s.config.scheme,
    entries.map(([, e]) => e.message.signature),
  );
  if (!signature) return;
  const tc: TimeoutCertificate = {
    view: w,
    signers: ep.validators.encodeBitmap(entries.map(([i]) => i)),
    highQCViews: entries.map(([, e]) => e.message.highQC.view),
    signature,
  };
  // Every part was verified, so the aggregate is valid by construction.
  rememberVerified(s, `t${ep.epoch}:${bytesToHex(tcDigest(tc))}`);
  emit(c, { kind: 'phase', view: w, phase: 'tc' });
  processTC(c, tc);
}
