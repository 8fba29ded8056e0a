/**
 * BIP431 TRUC (version 3) topology rules as Core 30 applies them to a single transaction
 * (src/policy/truc_policy.cpp SingleTRUCChecks), including sibling eviction: a v3 child may
 * replace its parent's only other child under the replacement rules.
 */
import { bytesToHex } from '@keel/util';
import type { MempoolEntry } from './entry.ts';

export const TRUC_VERSION = 3;
export const TRUC_ANCESTOR_LIMIT = 2;
export const TRUC_DESCENDANT_LIMIT = 2;
export const TRUC_MAX_VSIZE = 10_000;
export const TRUC_CHILD_MAX_VSIZE = 1_000;

const ids = (txid: Uint8Array, wtxid: Uint8Array) =>
  `${bytesToHex(txid.slice().reverse())} (wtxid=${bytesToHex(wtxid.slice().reverse())})`;

export interface TrucSubject {
  version: number;
  txid: Uint8Array;
  wtxid: Uint8Array;
  vsize: number;
}

/** A violation's detail, or the sibling to evict; undefined when the rules hold. */
export type TrucVerdict = { detail: string } | { sibling: MempoolEntry } | undefined;

export function singleTrucChecks(
  tx: TrucSubject,
  ancestors: ReadonlySet<MempoolEntry>,
  directConflicts: ReadonlySet<MempoolEntry>,
): TrucVerdict {
  const me = ids(tx.txid, tx.wtxid);
  for (const a of ancestors) {
    const other = ids(a.txid, a.wtxid);
    if (tx.version !== TRUC_VERSION && a.tx.version === TRUC_VERSION) {
      return { detail: `non-version=3 tx ${me} cannot spend from version=3 tx ${other}` };
    }
    if (tx.version === TRUC_VERSION && a.tx.version !== TRUC_VERSION) {
      return { detail: `version=3 tx ${me} cannot spend from non-version=3 tx ${other}` };
    }
  }
  if (tx.version !== TRUC_VERSION) return undefined;
  if (tx.vsize > TRUC_MAX_VSIZE) {
    return {
      detail: `version=3 tx ${me} is too big: ${tx.vsize} > ${TRUC_MAX_VSIZE} virtual bytes`,
    };
  }
  if (ancestors.size + 1 > TRUC_ANCESTOR_LIMIT) {
    return { detail: `tx ${me} would have too many ancestors` };
  }
  if (ancestors.size === 0) return undefined;
  if (tx.vsize > TRUC_CHILD_MAX_VSIZE) {
    return {
      detail: `version=3 child tx ${me} is too big: ${tx.vsize} > ${TRUC_CHILD_MAX_VSIZE} virtual bytes`,
    };
  }
  const [parent] = ancestors;
  const children = [...parent!.children];
  const childReplaced = children.some((c) => directConflicts.has(c));
  // The parent's descendants (itself included) plus this one may not exceed 2.
  if (1 + children.length + 1 > TRUC_DESCENDANT_LIMIT && !childReplaced) {
    const only = children.length === 1 ? children[0]! : undefined;
    // Sibling eviction: only for a single sibling without descendants of its own.
    if (only && only.children.size === 0) return { sibling: only };
    return { detail: `tx ${me} would exceed descendant count limit` };
  }
  return undefined;
}
