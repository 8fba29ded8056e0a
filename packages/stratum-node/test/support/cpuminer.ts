/**
 * Builds cpuminer (`minerd`, pooler/cpuminer 2.5.1 from ../shared/peers/cpuminer) once into
 * ${KEEL_CACHE:-~/.cache/keel}/cpuminer-<commit>/ and returns the binary's path, or a reason why
 * it cannot be built. It is GPL-2.0: run only as a separate process, never linked or copied.
 * Missing Debian build packages are apt-get installed when running as root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** pooler/cpuminer commit vendored in ../shared/peers (see its README). */
export const CPUMINER_COMMIT = '5f02105940edb61144c09a7eb960bba04a10d5b7';
const PACKAGES = ['automake', 'autoconf', 'libcurl4-openssl-dev', 'libjansson-dev'];

const here = dirname(fileURLToPath(import.meta.url));
export const CPUMINER_SOURCE =
  process.env.KEEL_CPUMINER_SRC ?? resolve(here, '../../../../../shared/peers/cpuminer');

function have(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function missingPackages(): string[] {
  return PACKAGES.filter(
    (p) =>
      !spawnSync('dpkg', ['-s', p], { encoding: 'utf8' }).stdout?.includes(
        'Status: install ok installed',
      ),
  );
}

export function buildCpuminer(): { minerd: string } | { skip: string } {
  const cache = join(
    process.env.KEEL_CACHE ?? join(homedir(), '.cache', 'keel'),
    `cpuminer-${CPUMINER_COMMIT}`,
  );
  const minerd = join(cache, 'minerd');
  if (existsSync(minerd)) return { minerd };
  if (!existsSync(join(CPUMINER_SOURCE, 'cpu-miner.c'))) {
    return { skip: `cpuminer source not found at ${CPUMINER_SOURCE}` };
  }
  if (!have('gcc', ['--version']) || !have('make', ['--version'])) {
    return { skip: 'gcc/make not installed' };
  }
  const missing = missingPackages();
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      return {
        skip: `Debian packages missing (${missing.join(' ')}) and not root to apt-get them`,
      };
    }
    const upd = spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    const inst = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (upd.status !== 0 || inst.status !== 0 || missingPackages().length > 0) {
      return { skip: `apt-get install ${missing.join(' ')} failed (offline?)` };
    }
  }
  // Build in a scratch copy, then move it into place, so a half-built cache never counts.
  const work = `${cache}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(cache), { recursive: true });
  cpSync(CPUMINER_SOURCE, work, { recursive: true });
  try {
    const opts = { cwd: work, stdio: 'ignore' as const };
    execFileSync('sh', ['./autogen.sh'], opts);
    execFileSync('sh', ['./configure', 'CFLAGS=-O2'], opts);
    execFileSync('make', ['-j2'], opts);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    return { skip: `cpuminer build failed: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!existsSync(join(work, 'minerd'))) return { skip: 'cpuminer build produced no minerd' };
  rmSync(cache, { recursive: true, force: true });
  renameSync(work, cache);
  return { minerd };
}

// `node --import tsx packages/stratum-node/test/support/cpuminer.ts` builds it ahead of the tests.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildCpuminer();
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
