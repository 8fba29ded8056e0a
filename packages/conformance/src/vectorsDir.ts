import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared vectors are: an explicit path, else `$KEEL_VECTORS`, else
 * `../shared/vectors` beside the repository (found from the working directory and from this
 * file's location). Returns `undefined` when none exists.
 */
export function findVectorsDir(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (explicit) return isDir(explicit) ? resolve(explicit) : undefined;
  if (env.KEEL_VECTORS) return isDir(env.KEEL_VECTORS) ? resolve(env.KEEL_VECTORS) : undefined;
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, '..', 'shared', 'vectors');
      if (existsSync(join(dir, 'package.json')) && isDir(candidate)) return resolve(candidate);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
