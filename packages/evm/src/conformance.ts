import type { ConformanceSuite } from '@keel/conformance';
import { ethBlockchainSuite } from './suites/ethBlockchain.ts';
import { ethRlpSuite } from './suites/ethRlp.ts';
import { ethStateSuite } from './suites/ethState.ts';
import { ethTrieSuite } from './suites/ethTrie.ts';
import { ethTxSuite } from './suites/ethTx.ts';
// one import per suite

/** Every conformance suite @keel/evm ships, in `keel conformance --list` order. */
export const evmSuites: readonly ConformanceSuite[] = [
  ethRlpSuite,
  ethTrieSuite,
  ethTxSuite,
  ethStateSuite,
  ethBlockchainSuite,
  // one entry per suite
];
