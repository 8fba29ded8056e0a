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

/** Read access to a suite's vector files, for counting its cases before it runs. */
export interface CountContext {
  /**
   * Every file the suite may read, relative to the vectors folder and sorted: its `files`, then
   * the files found under its `filesIn` folders.
   */
  readonly files: readonly string[];
  /** Reads a vector file (path relative to the vectors folder); it must be in `files`. */
  readJson(path: string): unknown;
  readText(path: string): string;
  readBytes(path: string): Uint8Array;
}

/** What a suite gets while it runs. */
export interface SuiteContext extends CountContext {
  /** The variant being run (e.g. a backend name), or `undefined` for suites without variants. */
  readonly variant: string | undefined;
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
  /**
   * Folders (relative to the vectors folder) whose every file matching `filesInPattern` (default:
   * `.json` files), at any depth, the suite reads. They are listed when the suite starts, so a
   * folder with more (or other) test files is run in full; a missing folder fails the run.
   */
  readonly filesIn?: readonly string[];
  readonly filesInPattern?: RegExp;
  /**
   * How many cases one variant must report (passed + failed + skipped): a number, or a function
   * that counts them from the files (by a walk of the data independent of the code that runs
   * the cases). A count of 0 fails the run.
   */
  readonly expectedCases: number | ((ctx: CountContext) => number);
  /** Variants (e.g. backends); the suite runs once per variant. */
  readonly variants?: readonly string[];
  run(ctx: SuiteContext): Promise<void> | void;
}
