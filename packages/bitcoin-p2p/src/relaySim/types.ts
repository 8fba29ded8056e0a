export type RelayMode = 'flood' | 'erlay';

export interface RelaySimOptions {
  /** Nodes in the network. Default 2000. */
  nodes: number;
  /** Share of nodes that accept inbound connections. Default 0.1. */
  reachableFraction: number;
  /** Outbound connections per node (to reachable nodes). Default 8. */
  outbound: number;
  /** New transactions per second, network-wide (Poisson). Default 5. */
  txRate: number;
  /** Seconds during which transactions are created. Default 10. */
  durationS: number;
  /**
   * Steady-state measuring window: bytes are counted only for messages sent during
   * [warmupS, warmupS + windowS), and reach times only for transactions created in it. The
   * warm-up lets reconciliation sets and trickle queues fill (the first round comes one interval
   * in); transactions keep being created to the window's end (durationS >= warmupS + windowS),
   * so the window holds no drain either. windowS 0 (default) = from warmupS to the end of the run.
   */
  warmupS: number;
  windowS: number;
  /** Simulated seconds after which the run stops even if some transactions did not arrive. */
  maxSimS: number;
  seed: number;
  /** Transaction body size in bytes. Default 250. */
  txSize: number;
  /** One-way link latency, uniform in [min, max] ms. Default 20..150. */
  latencyMinMs: number;
  latencyMaxMs: number;
  /** Core's Poisson inv trickle: mean delay to outbound peers 2 s, to inbound peers 5 s. */
  trickleOutboundMs: number;
  trickleInboundMs: number;
  /**
   * Erlay: each outbound peer is reconciled once per interval; a node's requests go to its
   * outbound peers in turn, spaced interval / (outbound peers), as Core's
   * TxReconciliationTracker (one queue, next request = now + RECON_REQUEST_INTERVAL / peers we
   * initiate to; bitcoin/bitcoin PR #30116). Default 16 s: RECON_REQUEST_INTERVAL of Core's
   * first Erlay PR (#18261, "~100 transactions (7 tx/s * 16s)"), i.e. one request every 2 s at
   * 8 outbound (the timer); PR #30116 uses 8 s.
   */
  reconIntervalMs: number;
  /**
   * Erlay low fanout (selectFanout): outbound reconciling peers a transaction is flooded to and
   * share of inbound reconciling peers. Defaults 1 and 0.1: Core's Erlay branch
   * (txreconciliation.cpp in PR #30116: OUTBOUND_FANOUT_DESTINATIONS = 1,
   * INBOUND_FANOUT_DESTINATIONS_FRACTION = 0.1).
   */
  fanoutOutbound: number;
  fanoutInboundFraction: number;
  /**
   * Erlay: flood on only transactions that arrived by flooding (or are the node's own). Default
   * false: PR #30116 asks ShouldFanoutTo(wtxid, peer) for every transaction it relays, whatever
   * it arrived by (#18261 had a source rule; the Erlay paper floods only what arrived by flooding).
   */
  fanoutOnlyFlooded: boolean;
}

export const defaultRelaySimOptions: RelaySimOptions = {
  nodes: 2000,
  reachableFraction: 0.1,
  outbound: 8,
  txRate: 5,
  durationS: 10,
  warmupS: 0,
  windowS: 0,
  maxSimS: 120,
  seed: 1,
  txSize: 250,
  latencyMinMs: 20,
  latencyMaxMs: 150,
  trickleOutboundMs: 2000,
  trickleInboundMs: 5000,
  reconIntervalMs: 16_000,
  fanoutOutbound: 1,
  fanoutInboundFraction: 0.1,
  fanoutOnlyFlooded: false,
};

/** Bytes on the wire (v1 framing: 24-byte header per message), summed over all nodes' sends. */
export interface RelayBytes {
  /** inv messages. */
  announce: number;
  /** getdata messages. */
  getdata: number;
  /** reqrecon + sketch + reqsketchext + reconcildiff. */
  reconciliation: number;
  /** tx messages (bodies). */
  tx: number;
  total: number;
}

export interface RelaySimResult {
  mode: RelayMode;
  nodes: number;
  outbound: number;
  transactions: number;
  /** Transactions that reached every node before maxSimS. */
  completed: number;
  /** The measuring window (simulated seconds) and the transactions created in it. */
  window: { startS: number; endS: number; transactions: number; completed: number };
  /** Average bytes sent per node during the window (the whole run without one). */
  bytesPerNode: RelayBytes;
  /** Mean over the window's transactions of the time to reach 50/90/100% of nodes, worst 100%. */
  reachMs: { p50: number; p90: number; p100: number; p100Max: number };
  reconciliation: { rounds: number; extended: number; failed: number; differences: number };
  /** Simulated seconds until the last transaction arrived everywhere (or maxSimS). */
  simulatedS: number;
}
