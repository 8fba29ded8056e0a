/**
 * Shared interfaces. Pure packages receive time, storage and logging through these, so the
 * same code runs in unit tests, simulators and nodes.
 */

/** A source of time. Pure code never reads the wall clock itself. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A structured logger (pino-compatible shape). */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything. */
export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return nullLogger;
  },
};

/** A service with a lifecycle. Services stop in the reverse order they started. */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Minimal metrics sink; the I/O shells back it with prom-client. */
export interface Metrics {
  counter(name: string, help: string, labels?: readonly string[]): MetricCounter;
  gauge(name: string, help: string, labels?: readonly string[]): MetricGauge;
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labels?: readonly string[],
  ): MetricHistogram;
}
export interface MetricCounter {
  inc(labels?: Record<string, string>, value?: number): void;
}
export interface MetricGauge {
  set(value: number, labels?: Record<string, string>): void;
}
export interface MetricHistogram {
  observe(value: number, labels?: Record<string, string>): void;
}

/** One row of a benchmark, per the benchmarks contract in ARCHITECTURE.md. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  anchor: string | null;
  anchorValue: number | null;
  ratio: number | null;
}

/**
 * What the `keel bench` harness hands a benchmark module. The harness owns timing and
 * output; the bench module owns what is measured.
 */
export interface BenchHarness {
  /** Scale factor for iteration counts (smaller in `--quick` runs). */
  readonly scale: number;
  /** Runs `fn` repeatedly for about `ms` milliseconds (default from the CLI) and returns ops/s. */
  opsPerSecond(fn: () => unknown, opts?: { ms?: number; batch?: number }): number;
  /** Async variant of `opsPerSecond`. */
  opsPerSecondAsync(
    fn: () => Promise<unknown>,
    opts?: { ms?: number; batch?: number },
  ): Promise<number>;
  /** Milliseconds taken by one run of `fn` (median of `runs`). */
  timeMs(fn: () => unknown, opts?: { runs?: number }): number;
  timeMsAsync(fn: () => Promise<unknown>, opts?: { runs?: number }): Promise<number>;
  /** Emits one row; `ratio` is computed as value/anchorValue when an anchor is given. */
  report(
    row: Omit<BenchRow, 'ratio' | 'anchor' | 'anchorValue'> & {
      anchor?: string;
      anchorValue?: number;
    },
  ): void;
  log(message: string): void;
}

/** A benchmark module's entry point. */
export type BenchMain = (h: BenchHarness) => Promise<void> | void;
