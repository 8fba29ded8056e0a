import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConformanceSuite, findVectorsDir, runSuite } from '@keel/conformance';

let announced = false;

/** The shared vectors folder, or undefined (after printing one clear line) when absent. */
export function vectorsDirOrSkip(): string | undefined {
  const dir = findVectorsDir();
  if (!dir && !announced) {
    announced = true;
    console.log(
      '# conformance vectors not found (set KEEL_VECTORS or provide ../shared/vectors): vector tests skipped',
    );
  }
  return dir;
}

/**
 * Registers a node:test test per variant that runs `suite` through the same runner as
 * `keel conformance` and requires `failed: 0` with the full case count.
 */
export function testSuite(suite: ConformanceSuite, opts: { timeout?: number } = {}): void {
  const variants = suite.variants?.length ? suite.variants : [undefined];
  for (const variant of variants) {
    const name = `conformance ${suite.name}${variant ? ` [${variant}]` : ''}`;
    test(name, { timeout: opts.timeout ?? 600_000 }, async (t) => {
      const dir = vectorsDirOrSkip();
      if (!dir) {
        t.skip('vectors folder absent');
        return;
      }
      const res = await runSuite(
        suite,
        variant === undefined ? { vectorsDir: dir } : { vectorsDir: dir, variant },
      );
      const shown = res.failures
        .slice(0, 20)
        .map((f) => `  ${f.id}: ${f.reason}`)
        .join('\n');
      assert.equal(res.failed, 0, `${res.failed} failures in ${suite.name}:\n${shown}`);
    });
  }
}
