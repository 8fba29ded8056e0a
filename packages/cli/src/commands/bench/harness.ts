import type { BenchHarness, BenchRow } from '@keel/util';

export interface HarnessOptions {
  ms: number;
  scale: number;
  write: (line: string) => void;
  log: (line: string) => void;
}

/** Timing loops and JSON-line output for `keel bench`. */
export function createHarness(opts: HarnessOptions): BenchHarness & { rows: BenchRow[] } {
  const rows: BenchRow[] = [];
  const measure = (fn: () => unknown, ms: number, batch: number): number => {
    for (let i = 0; i < Math.min(batch, 3); i++) fn(); // warm-up
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (ops * 1000) / elapsed;
  };
  return {
    rows,
    scale: opts.scale,
    opsPerSecond(fn, o) {
      return measure(fn, o?.ms ?? opts.ms, o?.batch ?? 1);
    },
    async opsPerSecondAsync(fn, o) {
      const ms = o?.ms ?? opts.ms;
      const batch = o?.batch ?? 1;
      await fn();
      let ops = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        for (let i = 0; i < batch; i++) await fn();
        ops += batch;
        elapsed = performance.now() - start;
      } while (elapsed < ms);
      return (ops * 1000) / elapsed;
    },
    timeMs(fn, o) {
      const times: number[] = [];
      for (let i = 0; i < (o?.runs ?? 5); i++) {
        const t = performance.now();
        fn();
        times.push(performance.now() - t);
      }
      return median(times);
    },
    async timeMsAsync(fn, o) {
      const times: number[] = [];
      for (let i = 0; i < (o?.runs ?? 5); i++) {
        const t = performance.now();
        await fn();
        times.push(performance.now() - t);
      }
      return median(times);
    },
    report(r) {
      const row: BenchRow = {
        bench: r.bench,
        metric: r.metric,
        value: round(r.value),
        unit: r.unit,
        anchor: r.anchor ?? null,
        anchorValue: r.anchorValue === undefined ? null : round(r.anchorValue),
        ratio: r.anchorValue ? round(r.value / r.anchorValue) : null,
      };
      rows.push(row);
      opts.write(JSON.stringify(row));
    },
    log: opts.log,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 10000) / 10000;
}
