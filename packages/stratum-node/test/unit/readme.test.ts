import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';

// The README's API example is real code: run it and expect a found block.
test('README API example runs and finds a block', { timeout: 60_000 }, () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const m = /## API\n\n```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'README has an API example');
  const file = new URL('../../readme-example.tmp.ts', import.meta.url).pathname;
  writeFileSync(file, m[1]!);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^block 1 [0-9a-f]{64}; regtest tip 1\n$/);
  } finally {
    rmSync(file, { force: true });
  }
});
