import type { ConformanceSuite } from '@keel/conformance';
// one import per suite
import { bip152Suite } from './suites/bip152.ts';
import { bip324TransportSuite } from './suites/bip324Transport.ts';

/** Every conformance suite @keel/bitcoin-p2p ships, in `keel conformance --list` order. */
export const p2pSuites: readonly ConformanceSuite[] = [
  // one entry per suite
  bip324TransportSuite,
  bip152Suite,
];
