import type { ConformanceSuite } from '@keel/conformance';
import { hkdfSuite } from './suites/hkdf.ts';

/** Every conformance suite @keel/crypto ships, in `keel conformance --list` order. */
export const cryptoSuites: readonly ConformanceSuite[] = [hkdfSuite];
