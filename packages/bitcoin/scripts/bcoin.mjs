#!/usr/bin/env node
// A built copy of bcoin (../shared/peers/bcoin) for differential tests and same-run benchmark
// anchors. The shared folder is read-only and its native modules (bcrypto, leveldown) are not
// built, so we copy it to $KEEL_CACHE/bcoin-<commit> (default ~/.cache/keel, outside node_modules
// so that `npm ci` keeps it between CI runs on one machine) and `npm rebuild` there once
// (~70 s; node-gyp uses the installed Node headers, nothing is downloaded). Concurrent callers
// (tests, benches, other packages) wait on one lock directory; the copy is published with an
// atomic rename, so a half-built copy is never seen.
//
//   node packages/bitcoin/scripts/bcoin.mjs          # build if needed, print the folder
//   import { ensureBcoin, findBcoin } from '.../scripts/bcoin.mjs'
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bcoin commit the shared copy was taken from (../shared/peers/README.md). */
export const BCOIN_COMMIT = '0c18028cd333bef8b0939ada8b56ae3911fd0c26';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

/** The shared (read-only, unbuilt) copy: KEEL_BCOIN_SRC, else ../shared/peers/bcoin. */
export function bcoinSource() {
  const candidates = [
    process.env.KEEL_BCOIN_SRC,
    join(repoRoot, '../shared/peers/bcoin'),
    '/work/shared/peers/bcoin',
  ].filter(Boolean);
  return candidates.find((p) => existsSync(join(p, 'lib/bcoin.js'))) ?? null;
}

/** The cache folder for the built copy (packages/bitcoin-node/scripts/build-bcoin.mjs uses it too). */
export function bcoinCacheDir() {
  const root = process.env.KEEL_CACHE || join(homedir(), '.cache', 'keel');
  return join(root, `bcoin-${BCOIN_COMMIT}`);
}

const MARKER = '.keel-built';

/** The built copy if it exists already (never builds), else null. */
export function findBcoin() {
  const dir = bcoinCacheDir();
  return existsSync(join(dir, MARKER)) ? dir : null;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The built copy, building it first if needed (synchronous; up to a few minutes). Throws when
 * the shared source is missing or the build fails.
 */
export function ensureBcoin({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const found = findBcoin();
  if (found) return found;
  const src = bcoinSource();
  if (!src) throw new Error('bcoin source not found (../shared/peers/bcoin or KEEL_BCOIN_SRC)');
  const dir = bcoinCacheDir();
  const lock = `${dir}.lock`;
  mkdirSync(dirname(dir), { recursive: true });
  // One builder at a time; a lock older than 15 minutes belongs to a dead builder.
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (findBcoin()) return dir;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000)
          rmSync(lock, { recursive: true, force: true });
      } catch {}
      sleep(2000);
    }
  }
  try {
    if (findBcoin()) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    log(`bcoin: copying ${src} and building its native modules (once, ~70 s)…`);
    cpSync(src, tmp, { recursive: true });
    execFileSync('npm', ['rebuild', '--no-audit', '--no-fund'], {
      cwd: tmp,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, npm_config_offline: 'true' },
    });
    writeFileSync(join(tmp, MARKER), `${BCOIN_COMMIT}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(`bcoin: built in ${dir}`);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Whether bcrypto's native binding loaded in a built copy (false: bcoin runs its JS code). */
export function bcoinNativeBuilt(dir) {
  const marker = join(dir, MARKER);
  if (!existsSync(marker)) return false;
  return (
    readFileSync(marker, 'utf8').trim() === BCOIN_COMMIT &&
    existsSync(join(dir, 'node_modules/bcrypto/build/Release/bcrypto.node'))
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureBcoin()}\n`);
}
