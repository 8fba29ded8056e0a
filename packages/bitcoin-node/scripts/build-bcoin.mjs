#!/usr/bin/env node
// Builds a private copy of bcoin (../shared/peers/bcoin, read-only) for the interop tests:
// copied to node_modules/.cache/keel-bcoin-<commit> and `npm rebuild` run there once (its
// native modules bcrypto and leveldown), then cached. Prints the built copy's path.
//   node packages/bitcoin-node/scripts/build-bcoin.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bcoin commit shipped in ../shared/peers (see its README). */
export const BCOIN_COMMIT = '0c18028cd333bef8b0939ada8b56ae3911fd0c26';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function bcoinSource() {
  return process.env.KEEL_BCOIN_SRC ?? resolve(repoRoot, '../shared/peers/bcoin');
}

/** Path of the built copy, building it on first use; undefined when the source is absent. */
export function ensureBcoin({ log = () => {} } = {}) {
  const src = bcoinSource();
  if (!existsSync(join(src, 'bin', 'bcoin'))) return undefined;
  const dest = join(repoRoot, 'node_modules', '.cache', `keel-bcoin-${BCOIN_COMMIT}`);
  const marker = join(dest, '.keel-built');
  if (existsSync(marker)) return dest;
  const lock = `${dest}.lock`;
  mkdirSync(dirname(dest), { recursive: true });
  // one builder at a time: mkdir is atomic; others wait for the marker
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker)) return dest;
      if (waited > 600) throw new Error(`bcoin build lock ${lock} held for 10 minutes`);
      execFileSync('sleep', ['1']);
    }
  }
  try {
    if (existsSync(marker)) return dest;
    rmSync(dest, { recursive: true, force: true });
    log(`copying ${src} to ${dest}`);
    cpSync(src, dest, { recursive: true });
    log('npm rebuild (bcrypto, leveldown): about 70 s, once');
    execFileSync('npm', ['rebuild'], { cwd: dest, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(marker, `${BCOIN_COMMIT}\n`);
    return dest;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const p = ensureBcoin({ log: (m) => process.stderr.write(`${m}\n`) });
  if (!p) {
    process.stderr.write(`bcoin not found at ${bcoinSource()}\n`);
    process.exit(1);
  }
  process.stdout.write(`${p}\n`);
}
