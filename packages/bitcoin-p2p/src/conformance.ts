import type { ConformanceSuite } from '@keel/conformance';
// one import per suite

/** Every conformance suite @keel/bitcoin-p2p ships, in `keel conformance --list` order. */
export const p2pSuites: readonly ConformanceSuite[] = [
  // one entry per suite
];
