import type { ConformanceSuite } from '@keel/conformance';
import { blsSuite } from './suites/bls.ts';
import { hkdfSuite } from './suites/hkdf.ts';
// one import per suite

/** Every conformance suite @keel/crypto ships, in `keel conformance --list` order. */
export const cryptoSuites: readonly ConformanceSuite[] = [
  hkdfSuite,
  blsSuite,
  // one entry per suite
];
