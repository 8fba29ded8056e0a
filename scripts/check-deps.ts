// Enforces the dependency rules of ARCHITECTURE.md: every @keel/* edge in a package.json, and
// every import in src/, must be allowed; pure packages import no I/O modules; src/ never
// throws a bare Error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  crypto: ['util'],
  minisketch: ['util'],
  api: ['util'],
  conformance: ['util'],
  bitcoin: ['crypto', 'util'],
  'bitcoin-p2p': ['bitcoin', 'minisketch', 'crypto', 'util'],
  stratum: ['bitcoin', 'crypto', 'util'],
  consensus: ['crypto', 'util'],
  runtime: ['crypto', 'util'],
  evm: ['crypto', 'util'],
  verkle: ['crypto', 'util'],
  ledger: ['runtime', 'evm', 'verkle', 'crypto', 'util'],
  'bitcoin-store': ['bitcoin', 'util'],
  'bitcoin-node': ['bitcoin-store', 'bitcoin-p2p', 'bitcoin', 'stratum', 'api', 'crypto', 'util'],
  'stratum-node': ['stratum', 'bitcoin', 'api', 'crypto', 'util'],
  'chain-node': ['consensus', 'ledger', 'runtime', 'api', 'crypto', 'util'],
  rollup: ['evm', 'verkle', 'crypto', 'util'],
  'rollup-node': ['rollup', 'evm', 'api', 'crypto', 'util'],
  contracts: [],
  dashboard: ['api', 'util'],
  'test-utils': ['conformance', 'util'],
};
const PURE = new Set([
  'util',
  'crypto',
  'minisketch',
  'bitcoin',
  'bitcoin-p2p',
  'stratum',
  'consensus',
  'runtime',
  'evm',
  'verkle',
  'ledger',
  'rollup',
]);
/** Packages that may only use `import type` from these packages. */
const TYPES_ONLY: Record<string, readonly string[]> = { 'bitcoin-node': ['stratum'] };
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|child_process|cluster|dns|tls|readline|worker_threads)$/;

const root = new URL('..', import.meta.url).pathname;
const problems: string[] = [];
const pkgRoot = join(root, 'packages');

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mts)$/.test(n) ? [p] : [];
  });
}

for (const name of readdirSync(pkgRoot).sort()) {
  const dir = join(pkgRoot, name);
  let pkg: { dependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const allowed = ALLOWED[name];
  if (name === 'cli') continue; // cli may depend on anything
  if (!allowed) {
    problems.push(
      `packages/${name}: not in the package map of ARCHITECTURE.md (add it to scripts/check-deps.ts)`,
    );
    continue;
  }
  const deps = Object.keys(pkg.dependencies ?? {})
    .filter((d) => d.startsWith('@keel/'))
    .map((d) => d.slice(6));
  for (const d of deps) {
    const typesOnly = TYPES_ONLY[name]?.includes(d);
    if (!allowed.includes(d) && !typesOnly && !(d === 'conformance' && name !== 'test-utils')) {
      problems.push(`packages/${name}/package.json: dependency @keel/${d} is not allowed`);
    }
  }
  for (const file of walk(join(dir, 'src'))) {
    const rel = file.slice(root.length);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
    )) {
      const spec = m[3] ?? m[4] ?? '';
      const isType = Boolean(m[2]);
      if (spec.startsWith('@keel/')) {
        const target = spec.slice(6).split('/')[0]!;
        if (!deps.includes(target))
          problems.push(
            `${rel}: imports ${spec} but package.json does not declare @keel/${target}`,
          );
        if (target === 'conformance' && !isType && name !== 'test-utils')
          problems.push(`${rel}: @keel/conformance may be imported for types only`);
        if (TYPES_ONLY[name]?.includes(target) && !isType)
          problems.push(`${rel}: ${spec} may be imported for types only`);
      }
      if (
        PURE.has(name) &&
        IO_MODULES.test(spec) &&
        !(name === 'bitcoin' && /workers?\//.test(rel))
      ) {
        problems.push(`${rel}: pure package imports I/O module ${spec}`);
      }
    }
    if (/\bthrow\s+new\s+Error\s*\(/.test(text))
      problems.push(`${rel}: bare 'throw new Error' (use a KeelError subclass)`);
    if (/^\s*export\s+\*\s+from/m.test(text)) problems.push(`${rel}: 'export *' is not allowed`);
    if (
      PURE.has(name) &&
      /\b(Date\.now|Math\.random|process\.env|setTimeout|setInterval)\b/.test(text) &&
      !/workers?\//.test(rel)
    ) {
      problems.push(`${rel}: pure package reads clock/randomness/env/timers`);
    }
  }
}

if (problems.length) {
  console.error(`dependency rules: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('dependency rules: ok');
