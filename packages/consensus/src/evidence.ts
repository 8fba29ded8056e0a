import { bytesToHex } from '@keel/util';
import type { ChainContext } from './encoding.ts';
import { proposalSigningMessage, voteSigningMessage } from './encoding.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { ConsensusParams } from './params.ts';
import type { SignatureScheme } from './signatureScheme.ts';
import type { NodeState, StepContext } from './state.ts';
import type { EquivocationEvidence } from './types.ts';
import type { ValidatorSet } from './validatorSet.ts';

/** Emits evidence once per (kind, validator, epoch, view). Callers pass two verified signatures. */
export function recordEvidence(c: StepContext, e: EquivocationEvidence): void {
  const key = `${e.kind}:${e.validator}:${e.epoch ?? 0}:${e.view}`;
  if (c.s.evidenceKeys.has(key)) return;
  if (c.s.evidenceKeys.size >= 4096) c.s.evidenceKeys.clear();
  c.s.evidenceKeys.add(key);
  c.out.push({ type: 'evidence', evidence: e });
}

/** What anyone (a ledger, a light client) needs to check evidence on its own. */
export interface EvidenceContext {
  readonly chain: ChainContext;
  readonly scheme: SignatureScheme;
  /** The validator set of an epoch, or undefined when the verifier does not hold it. */
  readonly validatorsOf: (epoch: number) => ValidatorSet | undefined;
  /** With both: refuse offences older than the unbonding period (stake no longer bonded). */
  readonly currentEpoch?: number;
  readonly unbondingEpochs?: number;
}

const MAX_VIEW = Number.MAX_SAFE_INTEGER;

function isSigned(x: unknown): x is { blockHash: Uint8Array; signature: Uint8Array } {
  const o = x as { blockHash?: unknown; signature?: unknown } | null;
  return (
    !!o &&
    o.blockHash instanceof Uint8Array &&
    o.blockHash.length === 32 &&
    o.signature instanceof Uint8Array &&
    o.signature.length > 0 &&
    o.signature.length <= 192
  );
}

function fail(code: ConsensusErrorCode, message: string, e?: EquivocationEvidence): never {
  throw new ConsensusError(code, message, e ? { validator: e.validator, view: e.view } : {});
}

/**
 * Checks equivocation evidence on its own (what a slashing transaction does): both halves
 * are signatures by validator `validator` of epoch `epoch` (bonded: stake > 0 in that
 * epoch's set) over the vote (or proposal) message of the same `view` for two different block
 * hashes. The view is part of each signed message, so two signatures from different views
 * can never verify here. Throws a ConsensusError with a stable code for each defect.
 */
export function verifyEquivocationEvidence(ctx: EvidenceContext, e: EquivocationEvidence): void {
  if (!e || typeof e !== 'object')
    fail(ConsensusErrorCode.EVIDENCE_MALFORMED, 'evidence: not an object');
  if (e.kind !== 'vote' && e.kind !== 'proposal') {
    fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `evidence: unknown kind ${String(e.kind)}`);
  }
  const epoch = e.epoch ?? 0;
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `evidence: bad epoch ${String(e.epoch)}`);
  }
  if (!Number.isSafeInteger(e.view) || e.view < 1 || e.view > MAX_VIEW) {
    fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `evidence: bad view ${String(e.view)}`);
  }
  if (!Number.isInteger(e.validator) || e.validator < 0) {
    fail(ConsensusErrorCode.EVIDENCE_MALFORMED, `evidence: bad validator ${String(e.validator)}`);
  }
  if (!isSigned(e.first) || !isSigned(e.second)) {
    fail(
      ConsensusErrorCode.EVIDENCE_MALFORMED,
      'evidence: each half needs a 32-byte hash and a signature',
      e,
    );
  }
  if (bytesToHex(e.first.blockHash) === bytesToHex(e.second.blockHash)) {
    fail(ConsensusErrorCode.EVIDENCE_SAME_MESSAGE, 'evidence: both halves sign the same block', e);
  }
  if (
    ctx.currentEpoch !== undefined &&
    ctx.unbondingEpochs !== undefined &&
    epoch + ctx.unbondingEpochs < ctx.currentEpoch
  ) {
    fail(
      ConsensusErrorCode.EVIDENCE_EXPIRED,
      `evidence: offence in epoch ${epoch} is past the ${ctx.unbondingEpochs}-epoch unbonding period (now ${ctx.currentEpoch})`,
      e,
    );
  }
  const set = ctx.validatorsOf(epoch);
  if (!set)
    fail(
      ConsensusErrorCode.EVIDENCE_UNKNOWN_EPOCH,
      `evidence: no validator set for epoch ${epoch}`,
      e,
    );
  if (!set.isActive(e.validator)) {
    fail(
      ConsensusErrorCode.EVIDENCE_UNKNOWN_VALIDATOR,
      `evidence: ${e.validator} is not a bonded validator of epoch ${epoch}`,
      e,
    );
  }
  const pk = set.validators[e.validator]!.publicKey;
  const msg = e.kind === 'vote' ? voteSigningMessage : proposalSigningMessage;
  for (const [name, half] of [
    ['first', e.first],
    ['second', e.second],
  ] as const) {
    let ok = false;
    try {
      ok = ctx.scheme.verify(pk, msg(ctx.chain, e.view, half.blockHash), half.signature);
    } catch {
      ok = false;
    }
    if (!ok) {
      fail(
        ConsensusErrorCode.EVIDENCE_BAD_SIGNATURE,
        `evidence: ${name} ${e.kind} signature does not verify for validator ${e.validator} in view ${e.view}`,
        e,
      );
    }
  }
}

/** `verifyEquivocationEvidence` against a node's known epoch sets, as a boolean. */
export function verifyEvidence(s: NodeState, e: EquivocationEvidence): boolean {
  try {
    verifyEquivocationEvidence(
      {
        chain: s.cert.chain,
        scheme: s.config.scheme,
        validatorsOf: (epoch) => s.epochs.get(epoch)?.validators,
      },
      e,
    );
    return true;
  } catch (err) {
    if (err instanceof ConsensusError) return false;
    throw err;
  }
}

/** The stake one proven equivocation burns: `slashFractionBps` of the bonded stake, at least 1. */
export function slashPenalty(params: ConsensusParams, stake: number): number {
  if (stake <= 0) return 0;
  return Math.max(1, Math.floor((stake * params.slashFractionBps) / 10_000));
}

/**
 * Jailing. Evidence committed in a block of epoch c can first change the set of epoch c+2
 * (the set of c+1 was fixed at the end of epoch c-1): the offender has stake 0 in epochs
 * c+2 .. c+1+jailEpochs and may rejoin from the returned epoch on.
 */
export function jailedUntilEpoch(params: ConsensusParams, evidenceCommitEpoch: number): number {
  return evidenceCommitEpoch + 2 + params.jailEpochs;
}
