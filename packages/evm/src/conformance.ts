import type { ConformanceSuite } from '@keel/conformance';
// one import per suite

/** Every conformance suite @keel/evm ships, in `keel conformance --list` order. */
export const evmSuites: readonly ConformanceSuite[] = [
  // one entry per suite
];
