// Installs the second verkle oracle, micro-eth-signer@0.15.0's pure-JS verkle module, which only
// works with @noble/curves@1.9.1 — so it lives in its own folder outside the workspace:
// ${KEEL_CACHE:-~/.cache/keel}/verkle-oracle. test/differential/micro.test.ts uses it when present.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const dir = join(process.env.KEEL_CACHE ?? join(homedir(), '.cache', 'keel'), 'verkle-oracle');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'package.json'),
  `${JSON.stringify({ name: 'keel-verkle-oracle', private: true, type: 'module' }, null, 2)}\n`,
);
execFileSync(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--registry=https://registry.npmjs.org/',
    'micro-eth-signer@0.15.0',
    '@noble/curves@1.9.1',
  ],
  { cwd: dir, stdio: 'inherit' },
);
console.log(`verkle oracle installed in ${dir}`);
