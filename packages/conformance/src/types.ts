/**
 * The conformance contract. Domain packages implement `ConformanceSuite` in their
 * `src/conformance.ts` and import only these types; this package owns file access,
 * counting and the result JSON.
 */

export interface CaseOutcome {
  id: string;
  reason: string;
}

/** The JSON object `keel conformance <suite> --json` prints. */
export interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: CaseOutcome[];
  skips: CaseOutcome[];
}

/** What a suite gets while it runs. */
export interface SuiteContext {
  /** The variant being run (e.g. a backend name), or `undefined` for suites without variants. */
  readonly variant: string | undefined;
  /** Reads a vector file (path relative to the vectors folder). It must be listed in `files`. */
  readJson(path: string): unknown;
  readText(path: string): string;
  readBytes(path: string): Uint8Array;
  /**
   * Runs one case. It passes when `fn` returns (or resolves) without throwing, and fails
   * with the thrown message otherwise. Ids must be unique within a run.
   */
  check(id: string, fn: () => unknown): Promise<void>;
  /** Records a case as skipped; a reason is mandatory. */
  skip(id: string, reason: string): void;
  /** Throws a case failure unless `actual` deep-equals `expected`. */
  expectEqual(actual: unknown, expected: unknown, label?: string): void;
  /** Throws a case failure unless `cond` is true. */
  expectTrue(cond: boolean, label: string): void;
  /** Throws a case failure unless `fn` throws; returns what it threw. */
  expectThrows(fn: () => unknown, label: string): unknown;
}

export interface ConformanceSuite {
  readonly name: string;
  readonly description: string;
  /** Every vector file the suite reads, relative to the vectors folder. */
  readonly files: readonly string[];
  /**
   * Folders the suite owns: every file in them must be listed in `files` or `ignored`, so a
   * new vector file cannot be silently left out.
   */
  readonly ownsDirs?: readonly string[];
  /** Files in owned folders deliberately not run, each with the reason. */
  readonly ignored?: Readonly<Record<string, string>>;
  /** How many cases one variant must report (passed + failed + skipped). */
  readonly expectedCases: number;
  /** Variants (e.g. backends); the suite runs once per variant. */
  readonly variants?: readonly string[];
  run(ctx: SuiteContext): Promise<void> | void;
}
