export { CaseFailure, SuiteSetupError } from './errors.ts';
export { type RunSuiteOptions, runSuite } from './runner.ts';
export type {
  CaseOutcome,
  ConformanceSuite,
  CountContext,
  SuiteContext,
  SuiteResult,
} from './types.ts';
export { findVectorsDir } from './vectorsDir.ts';
