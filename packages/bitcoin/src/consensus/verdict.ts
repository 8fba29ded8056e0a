/**
 * Consensus verdicts. Hot paths return these instead of throwing; `reason` is Bitcoin Core's
 * reject reason (e.g. `bad-txnmrklroot`, `bad-txns-in-belowout`), so results compare directly
 * with Core's.
 */
export interface RuleFailure {
  ok: false;
  reason: string;
  /** Index of the offending transaction in the block, when there is one. */
  txIndex?: number;
  /** Index of the offending input in that transaction, when there is one. */
  inputIndex?: number;
  /** Extra human detail (values, expected vs actual). */
  detail?: string;
}

export type Verdict = { ok: true } | RuleFailure;

export const OK: { ok: true } = { ok: true };

export function fail(
  reason: string,
  where: { txIndex?: number; inputIndex?: number; detail?: string } = {},
): RuleFailure {
  return { ok: false, reason, ...where };
}
