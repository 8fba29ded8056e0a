import type { ConformanceSuite } from '@keel/conformance';
import { minisketchSuite } from './suites/minisketch.ts';

/** Every conformance suite @keel/minisketch ships, in `keel conformance --list` order. */
export const minisketchSuites: readonly ConformanceSuite[] = [minisketchSuite];
