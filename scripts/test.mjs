#!/usr/bin/env node
// Runs every package's tests with node:test (TypeScript through tsx).
//   node scripts/test.mjs                 all tests
//   node scripts/test.mjs --kind unit     only test/unit (also: vectors, property, compliance, sim, e2e)
//   node scripts/test.mjs crypto bitcoin  only these packages
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let kind;
const pkgs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--kind') kind = args[++i];
  else pkgs.push(args[i]);
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory())
      return name === 'node_modules' || name === 'fixtures' ? [] : walk(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  });
}

const pkgDir = join(root, 'packages');
const names = pkgs.length ? pkgs : readdirSync(pkgDir).sort();
const files = names
  .flatMap((n) => walk(join(pkgDir, n, 'test', kind ?? '')))
  .map((f) => relative(root, f));
if (files.length === 0) {
  console.error(
    `no test files found (packages: ${names.join(', ')}${kind ? `, kind: ${kind}` : ''})`,
  );
  process.exit(1);
}
// End-to-end files start whole networks (devnets of 4 processes, bcoin, pools): two at once on a
// 2-core machine starve each other's validators, so they run one at a time after the rest.
const isE2E = (f) => f.split(/[\\/]/).includes('e2e');
const groups = [
  { files: files.filter((f) => !isE2E(f)), concurrency: 2 },
  { files: files.filter(isE2E), concurrency: 1 },
].filter((g) => g.files.length > 0);
let status = 0;
for (const g of groups) {
  const nodeArgs = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${g.concurrency}`,
    `--test-timeout=${process.env.KEEL_TEST_TIMEOUT ?? 900000}`,
    ...(process.env.CI || !process.stdout.isTTY ? ['--test-reporter=spec'] : []),
    ...g.files,
  ];
  const r = spawnSync(process.execPath, nodeArgs, { cwd: root, stdio: 'inherit' });
  if ((r.status ?? 1) !== 0) status = r.status ?? 1;
}
process.exit(status);
