import { bytesToHex } from '@keel/util';
import { proposalSigningMessage, voteSigningMessage } from './encoding.ts';
import type { NodeState, StepContext } from './state.ts';
import type { EquivocationEvidence } from './types.ts';

/** Emits evidence once per (kind, validator, view). Callers pass two verified signatures. */
export function recordEvidence(c: StepContext, e: EquivocationEvidence): void {
  const key = `${e.kind}:${e.validator}:${e.view}`;
  if (c.s.evidenceKeys.has(key)) return;
  if (c.s.evidenceKeys.size >= 4096) c.s.evidenceKeys.clear();
  c.s.evidenceKeys.add(key);
  c.out.push({ type: 'evidence', evidence: e });
}

/**
 * Checks evidence on its own (what a slashing transaction would do): two different block
 * hashes, each signed by the accused validator for the same view and kind.
 */
export function verifyEvidence(s: NodeState, e: EquivocationEvidence): boolean {
  const v = s.cert.validators.validators[e.validator];
  if (!v || bytesToHex(e.first.blockHash) === bytesToHex(e.second.blockHash)) return false;
  const msg = e.kind === 'vote' ? voteSigningMessage : proposalSigningMessage;
  return [e.first, e.second].every((x) =>
    s.config.scheme.verify(v.publicKey, msg(s.cert.chain, e.view, x.blockHash), x.signature),
  );
}
