import type { ConformanceSuite } from '@keel/conformance';
import { scriptSuite } from './suites/script.ts';
// one import per suite

/** Every conformance suite @keel/bitcoin ships. */
export const bitcoinSuites: readonly ConformanceSuite[] = [
  scriptSuite,
  // one entry per suite
];
