import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Blob pool and blob store metrics (registered on the node's registry). */
export function createBlobMetrics(registry: Registry) {
  const r = [registry];
  return {
    poolTxs: new Gauge({
      name: 'keel_blobpool_txs',
      help: 'pending blob transactions',
      registers: r,
    }),
    poolBlobs: new Gauge({ name: 'keel_blobpool_blobs', help: 'pending blobs', registers: r }),
    admission: new Histogram({
      name: 'keel_blobpool_admission_seconds',
      help: 'blob transaction admission (decode, KZG batch check, pool rules, mempool)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: r,
    }),
    rejected: new Gauge({
      name: 'keel_blobpool_rejected',
      help: 'blob transactions refused since start',
      registers: r,
    }),
    stored: new Gauge({ name: 'keel_blobstore_sidecars', help: 'sidecars written', registers: r }),
    pruned: new Gauge({ name: 'keel_blobstore_pruned', help: 'sidecars pruned', registers: r }),
    ratio: new Gauge({
      name: 'keel_blobstore_compression_ratio',
      help: 'raw blob bytes / stored blob bytes of the sidecars written since start',
      registers: r,
    }),
    syncFetched: new Counter({
      name: 'keel_blobsync_fetched',
      help: 'sidecars of committed blocks fetched from peers and verified (sidecar sync)',
      registers: r,
    }),
    syncPruned: new Counter({
      name: 'keel_blobsync_pruned',
      help: 'sidecars of synced blocks already past the retention window (recorded, not fetched)',
      registers: r,
    }),
    syncBad: new Counter({
      name: 'keel_blobsync_bad_responses',
      help: 'sidecar responses refused (count, versioned hash, KZG proof, size, encoding)',
      registers: r,
    }),
  };
}
