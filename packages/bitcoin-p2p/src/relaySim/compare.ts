import { SimRandom } from './rng.ts';
import { buildTopology, runRelaySim } from './sim.ts';
import { defaultRelaySimOptions, type RelaySimOptions, type RelaySimResult } from './types.ts';

export interface RelayComparison {
  options: RelaySimOptions;
  flood: RelaySimResult;
  erlay: RelaySimResult;
  /** Erlay / flooding ratios. Announcements: (inv + reconciliation) vs flooding's inv. */
  ratios: { announcements: number; total: number; reachP100DeltaMs: number };
}

/** Flooding and Erlay over the same seeded topology and transactions. */
export function compareRelay(partial: Partial<RelaySimOptions> = {}): RelayComparison {
  const options = { ...defaultRelaySimOptions, ...partial };
  const topo = buildTopology(options, new SimRandom(options.seed));
  const flood = runRelaySim('flood', options, topo);
  const erlay = runRelaySim('erlay', options, topo);
  const e = erlay.bytesPerNode;
  const f = flood.bytesPerNode;
  return {
    options,
    flood,
    erlay,
    ratios: {
      announcements: (e.announce + e.reconciliation) / f.announce,
      total: e.total / f.total,
      reachP100DeltaMs: erlay.reachMs.p100 - flood.reachMs.p100,
    },
  };
}

/** The comparison at several outbound counts (the 8 / 16 / 32 table). */
export function outboundTable(
  counts: readonly number[],
  partial: Partial<RelaySimOptions> = {},
): RelayComparison[] {
  return counts.map((outbound) => compareRelay({ ...partial, outbound }));
}
