import type { ConformanceSuite } from '@keel/conformance';
import { verkleSuite } from './suites/verkle.ts';

/** Every conformance suite @keel/verkle ships. */
export const verkleSuites: readonly ConformanceSuite[] = [verkleSuite];
