/**
 * Replacement rules as Core 30 applies them to a single transaction (src/policy/rbf.cpp,
 * MemPoolAccept::ReplacementChecks), in Core's order. Full RBF: any conflicting transaction
 * may be replaced, signalling or not (Core's default since 28, the only mode since 29).
 */
import type { Transaction } from '@keel/bitcoin';
import { bytesToHex } from '@keel/util';
import { feeRateLess, type MempoolEntry, totals, withDescendants } from './entry.ts';
import { type FeeRatePerKvB, feeFor, MAX_REPLACEMENT_CANDIDATES } from './policy.ts';
import type { MempoolState } from './pool.ts';

export type RbfFailure = { reason: string; detail: string };

/** The transaction being admitted, as the rules see it. */
export interface Replacement {
  tx: Transaction;
  txid: Uint8Array;
  fee: bigint;
  vsize: number;
}

const hex = (h: Uint8Array) => bytesToHex(h.slice().reverse());

/** "Rule 6": the replacement's feerate must beat every direct conflict's own feerate. */
function paysMoreThanConflicts(
  r: Replacement,
  direct: Iterable<MempoolEntry>,
): RbfFailure | undefined {
  for (const c of direct) {
    if (!feeRateLess(c.fee, c.vsize, r.fee, r.vsize)) {
      return {
        reason: 'insufficient fee',
        detail: `rejecting replacement ${hex(r.txid)}; new feerate ${r.fee}/${r.vsize} <= old feerate ${c.fee}/${c.vsize}`,
      };
    }
  }
  return undefined;
}

/** Rule 5: direct conflicts plus their descendants (counted per conflict) at most 100. */
function entriesForConflicts(
  r: Replacement,
  direct: Iterable<MempoolEntry>,
): { all: Set<MempoolEntry> } | RbfFailure {
  let count = 0;
  const all = new Set<MempoolEntry>();
  for (const c of direct) {
    const pkg = withDescendants(c);
    count += pkg.size;
    if (count > MAX_REPLACEMENT_CANDIDATES) {
      return {
        reason: 'too many potential replacements',
        detail: `rejecting replacement ${hex(r.txid)}; too many potential replacements (${count} > ${MAX_REPLACEMENT_CANDIDATES})`,
      };
    }
    for (const e of pkg) all.add(e);
  }
  return { all };
}

/** Rule 2: no unconfirmed input that none of the direct conflicts already spent from. */
function hasNoNewUnconfirmedInputs(
  r: Replacement,
  direct: Iterable<MempoolEntry>,
  state: MempoolState,
): RbfFailure | undefined {
  const parentsOfConflicts = new Set<string>();
  for (const c of direct)
    for (const i of c.tx.inputs) parentsOfConflicts.add(bytesToHex(i.prevout.txid));
  for (let j = 0; j < r.tx.inputs.length; j++) {
    const key = bytesToHex(r.tx.inputs[j]!.prevout.txid);
    if (!parentsOfConflicts.has(key) && state.getByKey(key)) {
      return {
        reason: 'replacement-adds-unconfirmed',
        detail: `replacement ${hex(r.txid)} adds unconfirmed input, idx ${j}`,
      };
    }
  }
  return undefined;
}

/** Rules 3 and 4: at least the replaced fees, plus the incremental relay fee for its own size. */
function paysForRBF(
  r: Replacement,
  originalFees: bigint,
  incrementalRelayFee: FeeRatePerKvB,
): RbfFailure | undefined {
  if (r.fee < originalFees) {
    return {
      reason: 'insufficient fee',
      detail: `rejecting replacement ${hex(r.txid)}, less fees than conflicting txs; ${r.fee} < ${originalFees}`,
    };
  }
  const additional = r.fee - originalFees;
  const relay = feeFor(incrementalRelayFee, r.vsize);
  if (additional < relay) {
    return {
      reason: 'insufficient fee',
      detail: `rejecting replacement ${hex(r.txid)}, not enough additional fees to relay; ${additional} < ${relay}`,
    };
  }
  return undefined;
}

/** Runs the replacement rules; on success returns every entry the replacement evicts. */
export function replacementChecks(
  r: Replacement,
  direct: ReadonlySet<MempoolEntry>,
  state: MempoolState,
  incrementalRelayFee: FeeRatePerKvB,
): { all: Set<MempoolEntry> } | RbfFailure {
  const six = paysMoreThanConflicts(r, direct);
  if (six) return six;
  const five = entriesForConflicts(r, direct);
  if ('reason' in five) return five;
  const two = hasNoNewUnconfirmedInputs(r, direct, state);
  if (two) return two;
  const fees = totals(five.all).fee;
  return paysForRBF(r, fees, incrementalRelayFee) ?? five;
}
