import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** sipa/minisketch commit of /work/shared/peers/minisketch (see the vectors README). */
export const MINISKETCH_COMMIT = '022b959049dc8d7f21c03e19939af65403caf8be';
const here = dirname(fileURLToPath(import.meta.url));

export interface CppBuild {
  harness: string;
  clmul: boolean;
  seconds: number;
  cached: boolean;
}

export function minisketchSource(): string {
  return process.env.KEEL_MINISKETCH_SRC ?? join(here, '../../../../shared/peers/minisketch');
}

export function cacheDir(): string {
  const base = process.env.KEEL_CACHE ?? join(homedir(), '.cache/keel');
  return join(base, `minisketch-${MINISKETCH_COMMIT.slice(0, 12)}`);
}

export function cpuHasClmul(): boolean {
  try {
    return /\bpclmulqdq\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Builds libminisketch (generic fields, plus CLMUL fields where the CPU has pclmulqdq) and our
 * harness with g++ into the cache folder, once; later calls reuse the binary.
 */
export function buildCppHarness(log: (m: string) => void = () => {}): CppBuild {
  const src = minisketchSource();
  const dir = cacheDir();
  const clmul = cpuHasClmul();
  const harness = join(dir, clmul ? 'harness-clmul' : 'harness-generic');
  if (existsSync(harness)) return { harness, clmul, seconds: 0, cached: true };
  if (!existsSync(join(src, 'src/minisketch.cpp'))) {
    throw new Error(`minisketch sources not found at ${src} (set KEEL_MINISKETCH_SRC)`);
  }
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const fields = readdirSync(join(src, 'src/fields'));
  const objs: string[] = [];
  const flags = ['-O2', '-std=c++17', '-DHAVE_CLZ', '-I', join(src, 'include')];
  if (clmul) flags.push('-DHAVE_CLMUL');
  const compile = (file: string, extra: string[]): void => {
    const obj = join(dir, `${file.replace(/[/.]/g, '_')}.o`);
    if (!existsSync(obj)) {
      log(`g++ ${file}`);
      execFileSync('g++', [...flags, ...extra, '-c', join(src, file), '-o', obj], {
        stdio: 'inherit',
      });
    }
    objs.push(obj);
  };
  compile('src/minisketch.cpp', []);
  for (const f of fields.filter((n) => n.startsWith('generic_') && n.endsWith('.cpp'))) {
    compile(`src/fields/${f}`, []);
  }
  if (clmul) {
    for (const f of fields.filter((n) => n.startsWith('clmul_') && n.endsWith('.cpp'))) {
      compile(`src/fields/${f}`, ['-mpclmul']);
    }
  }
  const harnessObj = join(dir, 'harness.o');
  execFileSync('g++', [...flags, '-c', join(here, 'cpp/harness.cpp'), '-o', harnessObj], {
    stdio: 'inherit',
  });
  execFileSync('g++', ['-O2', '-o', harness, harnessObj, ...objs], { stdio: 'inherit' });
  return { harness, clmul, seconds: (performance.now() - t0) / 1000, cached: false };
}
