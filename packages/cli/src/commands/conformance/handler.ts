import { findVectorsDir, runSuite, type SuiteResult } from '@keel/conformance';
import { CliError } from '../../errors.ts';
import type { ConformanceOptions } from './options.ts';
import { loadSuites } from './suites.ts';

export async function conformanceHandler(
  suiteName: string | undefined,
  opts: ConformanceOptions,
): Promise<number> {
  const suites = await loadSuites();
  if (opts.list || !suiteName) {
    for (const s of suites.values()) {
      const variants = s.variants?.length ? ` [${s.variants.join(', ')}]` : '';
      const count =
        typeof s.expectedCases === 'number'
          ? `${String(s.expectedCases).padStart(5)} cases`
          : 'counted from files';
      process.stdout.write(`${s.name.padEnd(18)} ${count}${variants}  ${s.description}\n`);
    }
    return 0;
  }
  const names = suiteName === 'all' ? [...suites.keys()] : [suiteName];
  for (const n of names) {
    if (!suites.has(n)) {
      throw new CliError(
        `unknown suite '${n}'. Known suites: ${[...suites.keys()].join(', ')}, all`,
      );
    }
  }
  const dir = findVectorsDir(opts.vectors);
  if (!dir) {
    throw new CliError(
      opts.vectors
        ? `vectors folder not found: ${opts.vectors}`
        : 'vectors folder not found: pass --vectors DIR, set KEEL_VECTORS, or place shared/vectors beside the repository',
    );
  }
  let failed = 0;
  for (const n of names) {
    const suite = suites.get(n)!;
    if (opts.backend && !suite.variants?.includes(opts.backend)) {
      if (suiteName === 'all') continue;
      throw new CliError(
        `suite '${n}' has no backend '${opts.backend}' (backends: ${suite.variants?.join(', ') || 'none'})`,
      );
    }
    const started = performance.now();
    const res = await runSuite(
      suite,
      opts.backend ? { vectorsDir: dir, variant: opts.backend } : { vectorsDir: dir },
    );
    failed += res.failed;
    if (opts.json) process.stdout.write(`${JSON.stringify(res)}\n`);
    else printHuman(res, performance.now() - started);
  }
  return failed === 0 ? 0 : 1;
}

function printHuman(res: SuiteResult, ms: number): void {
  const status = res.failed === 0 ? 'ok  ' : 'FAIL';
  process.stdout.write(
    `${status} ${res.suite}: ${res.passed} passed, ${res.failed} failed, ${res.skipped} skipped (${(ms / 1000).toFixed(2)} s)\n`,
  );
  for (const f of res.failures.slice(0, 50)) process.stdout.write(`  fail ${f.id}: ${f.reason}\n`);
  if (res.failures.length > 50)
    process.stdout.write(`  … ${res.failures.length - 50} more failures (use --json)\n`);
  for (const s of res.skips.slice(0, 10)) process.stdout.write(`  skip ${s.id}: ${s.reason}\n`);
  if (res.skips.length > 10)
    process.stdout.write(`  … ${res.skips.length - 10} more skips (use --json)\n`);
}
