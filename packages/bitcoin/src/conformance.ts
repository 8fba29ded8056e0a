import type { ConformanceSuite } from '@keel/conformance';
// one import per suite

/** Every conformance suite @keel/bitcoin ships. */
export const bitcoinSuites: readonly ConformanceSuite[] = [
  // one entry per suite
];
