import { type SipHashKey, sipHashUint256Extra } from '@keel/crypto/siphash';

export interface FanoutCandidate<Id> {
  id: Id;
  /** A number unique per peer on this node (e.g. Core's NodeId), used to rank peers. */
  index: number;
  inbound: boolean;
}

export interface FanoutOptions {
  /** Outbound reconciling peers a transaction is flooded to. Default 1 (Core's Erlay PR). */
  outbound?: number;
  /** Share of inbound reconciling peers a transaction is flooded to. Default 0.1. */
  inboundFraction?: number;
  /** Node-local random key (an input: purity) that makes the choice unpredictable to peers. */
  key: SipHashKey;
}

/**
 * BIP330 low fanout: of the peers that reconcile, flood a transaction to a few (the rest learn
 * it by reconciliation). The choice is per transaction, deterministic for a given key: peers are
 * ranked by SipHash(key, wtxid, peer index). Peers that do not reconcile are flooded as usual and
 * are not the caller's candidates here.
 */
export function selectFanout<Id>(
  wtxid: Uint8Array,
  candidates: readonly FanoutCandidate<Id>[],
  o: FanoutOptions,
): Id[] {
  const outN = o.outbound ?? 1;
  const frac = o.inboundFraction ?? 0.1;
  const rank = (c: FanoutCandidate<Id>): bigint =>
    sipHashUint256Extra(o.key, undefined, wtxid, c.index);
  const pick = (list: FanoutCandidate<Id>[], n: number): Id[] =>
    list
      .map((c) => ({ c, r: rank(c) }))
      .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))
      .slice(0, n)
      .map((x) => x.c.id);
  const outbound = candidates.filter((c) => !c.inbound);
  const inbound = candidates.filter((c) => c.inbound);
  return [...pick(outbound, outN), ...pick(inbound, Math.ceil(inbound.length * frac))];
}
