import type { ConformanceSuite } from '@keel/conformance';
import { ethRlpSuite } from './suites/ethRlp.ts';
import { ethTrieSuite } from './suites/ethTrie.ts';
// one import per suite

/** Every conformance suite @keel/evm ships, in `keel conformance --list` order. */
export const evmSuites: readonly ConformanceSuite[] = [
  ethRlpSuite,
  ethTrieSuite,
  // one entry per suite
];
