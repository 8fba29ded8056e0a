import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The node's Prometheus metrics (one registry per node, served on `/metrics`). */
export function createNodeMetrics() {
  const registry = new Registry();
  const r = [registry];
  // Process CPU, memory, event-loop lag, GC: the node's resource use.
  collectDefaultMetrics({ register: registry, prefix: 'keel_' });
  return {
    registry,
    view: new Gauge({ name: 'keel_consensus_view', help: 'current view', registers: r }),
    committedHeight: new Gauge({
      name: 'keel_consensus_committed_height',
      help: 'last committed height',
      registers: r,
    }),
    viewChanges: new Counter({
      name: 'keel_consensus_view_changes_total',
      help: 'views entered, by reason (qc = happy path, tc/timeouts = view change)',
      labelNames: ['reason'],
      registers: r,
    }),
    phaseDuration: new Histogram({
      name: 'keel_consensus_phase_seconds',
      help: 'time from entering a view to each phase in it',
      labelNames: ['phase'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: r,
    }),
    commitLatency: new Histogram({
      name: 'keel_commit_latency_seconds',
      help: 'from the proposer timestamp to the local commit',
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
      registers: r,
    }),
    txsCommitted: new Counter({
      name: 'keel_txs_committed_total',
      help: 'transactions committed',
      registers: r,
    }),
    mempoolSize: new Gauge({ name: 'keel_mempool_size', help: 'pending txs', registers: r }),
    mempoolBytes: new Gauge({ name: 'keel_mempool_bytes', help: 'pending bytes', registers: r }),
    peers: new Gauge({ name: 'keel_peers_connected', help: 'connected peers', registers: r }),
    peerScore: new Gauge({
      name: 'keel_peer_score',
      help: 'reputation per peer (-100..100)',
      labelNames: ['peer'],
      registers: r,
    }),
    syncTarget: new Gauge({
      name: 'keel_sync_target_height',
      help: 'network height agreed by 2/3 of sampled peers',
      registers: r,
    }),
    syncedBlocks: new Counter({
      name: 'keel_sync_blocks_total',
      help: 'blocks fetched and applied by state sync',
      registers: r,
    }),
    rpcDuration: new Histogram({
      name: 'keel_rpc_request_seconds',
      help: 'JSON-RPC request latency by method',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: r,
    }),
    rejected: new Counter({
      name: 'keel_consensus_rejected_total',
      help: 'consensus messages refused',
      labelNames: ['verdict'],
      registers: r,
    }),
  };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
