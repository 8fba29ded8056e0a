import type { ConformanceSuite } from '@keel/conformance';
import { ethRlpSuite } from './suites/ethRlp.ts';
// one import per suite

/** Every conformance suite @keel/evm ships, in `keel conformance --list` order. */
export const evmSuites: readonly ConformanceSuite[] = [
  ethRlpSuite,
  // one entry per suite
];
