#!/usr/bin/env node
// `npm run coverage`: line/branch coverage (c8, V8's own coverage mapped back to the
// TypeScript through tsx's source maps) over the tests of @keel/bitcoin, @keel/crypto and
// @keel/bitcoin-p2p (when it has tests), then one table per package and for the groups the
// issue sets goals for: the script interpreter, sighash and the consensus checks.
//
//   npm run coverage                       # all three packages
//   npm run coverage -- bitcoin            # one package
//   KEEL_COVERAGE_KIND=unit npm run coverage  # only test/unit (quick)
// Reports: coverage/index.html (HTML), coverage/coverage-summary.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const wanted = process.argv.slice(2);
const pkgs = (wanted.length ? wanted : ['bitcoin', 'crypto', 'bitcoin-p2p']).filter((p) =>
  existsSync(join(root, 'packages', p, 'test')),
);
const kind = process.env.KEEL_COVERAGE_KIND;
const c8 = join(root, 'node_modules/.bin/c8');
const args = [
  '--reporter=text-summary',
  '--reporter=json-summary',
  '--reporter=html',
  '--reports-dir=coverage',
  '--exclude-after-remap',
  ...pkgs.flatMap((p) => ['--include', `packages/${p}/src/**`]),
  '--exclude',
  '**/*.test.ts',
  process.execPath,
  'scripts/test.mjs',
  ...(kind ? ['--kind', kind] : []),
  ...pkgs,
];
const r = spawnSync(c8, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0)
  process.stderr.write(`tests exited with ${r.status}; coverage below is still reported\n`);

const summary = JSON.parse(readFileSync(join(root, 'coverage/coverage-summary.json'), 'utf8'));
const groups = {
  ...Object.fromEntries(pkgs.map((p) => [`@keel/${p}`, (f) => f.startsWith(`packages/${p}/src/`)])),
  'bitcoin interpreter (script/ minus sighash)': (f) =>
    f.startsWith('packages/bitcoin/src/script/') &&
    !f.endsWith('sighash.ts') &&
    !f.endsWith('asm.ts'),
  'bitcoin sighash': (f) => f === 'packages/bitcoin/src/script/sighash.ts',
  'bitcoin consensus checks': (f) => f.startsWith('packages/bitcoin/src/consensus/'),
};
const totals = {};
const perFile = [];
for (const [abs, m] of Object.entries(summary)) {
  if (abs === 'total') continue;
  const f = relative(root, abs);
  perFile.push([f, m]);
  for (const [g, match] of Object.entries(groups)) {
    if (!match(f)) continue;
    const t = (totals[g] ??= { lines: [0, 0], branches: [0, 0], functions: [0, 0] });
    for (const k of ['lines', 'branches', 'functions']) {
      t[k][0] += m[k].covered;
      t[k][1] += m[k].total;
    }
  }
}
const pct = ([c, n]) => (n === 0 ? '—' : `${((100 * c) / n).toFixed(1)}%`);
process.stdout.write('\n| scope | lines | branches | functions |\n|---|---|---|---|\n');
for (const [g, t] of Object.entries(totals)) {
  process.stdout.write(`| ${g} | ${pct(t.lines)} | ${pct(t.branches)} | ${pct(t.functions)} |\n`);
}
process.stdout.write('\nLeast covered files (lines < 90% or branches < 85%):\n');
for (const [f, m] of perFile.sort((a, b) => a[1].lines.pct - b[1].lines.pct)) {
  if (m.lines.pct < 90 || m.branches.pct < 85) {
    process.stdout.write(`  ${f}: lines ${m.lines.pct}%, branches ${m.branches.pct}%\n`);
  }
}
process.exit(r.status ?? 1);
