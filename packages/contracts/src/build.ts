import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A contract failed to compile, or its sources cannot be read. */
export class ContractBuildError extends Error {
  readonly code = 'ERR_CONTRACT_BUILD';
  constructor(message: string) {
    super(message);
    this.name = 'ContractBuildError';
  }
}

const pkgRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The SDK's AssemblyScript sources (`import { ... } from "<sdkDir>"`). */
export const sdkDir = join(pkgRoot, 'assembly', 'sdk');
export const examplesDir = join(pkgRoot, 'assembly', 'examples');
/** Compiled examples land here (gitignored); `<name>.wasm` beside `<name>.hash`. */
export const buildDir = join(pkgRoot, 'build');

/** The example contracts shipped with the SDK. */
export const EXAMPLES = ['counter', 'token', 'caller', 'loop'] as const;
export type ExampleName = (typeof EXAMPLES)[number];

/**
 * The asc flags every keel contract is built with: the stub runtime (bump allocator, no GC:
 * each call starts from fresh memory anyway), AssemblyScript's `abort` routed to the SDK's
 * `keelAbort` (the runtime's `env.abort` has a different signature), the start function
 * exported as `_initialize` (keel rejects start sections and runs `_initialize` before each
 * method), and features limited to what the runtime accepts.
 */
export function ascFlags(): string[] {
  // asc names elements by path relative to --baseDir; with the filesystem root as base the
  // SDK's abort handler has one name wherever the contract being compiled lives
  const abortPath = `${toAscPath(join(sdkDir, 'index'))}/keelAbort`;
  return [
    '--runtime',
    'stub',
    '--exportStart',
    '_initialize',
    '--use',
    `abort=${abortPath}`,
    '--optimizeLevel',
    '3',
    '--shrinkLevel',
    '1',
    '--noAssert',
    // threads, SIMD and reference types are off by default; non-trapping float conversions are
    // float instructions, which the runtime rejects
    '--disable',
    'nontrapping-f2i',
    '--initialMemory',
    '1',
  ];
}

export interface CompileResult {
  readonly wasm: Uint8Array;
  readonly wat: string;
}

/** Compiles one AssemblyScript contract with the keel flags. */
export async function compileContract(entry: string): Promise<CompileResult> {
  const asc = await import('assemblyscript/asc');
  const outputs = new Map<string, Uint8Array | string>();
  let stderr = '';
  const { error } = await asc.main(
    [
      toAscPath(resolve(entry)),
      '--baseDir',
      parse(resolve(entry)).root,
      '--outFile',
      'out.wasm',
      '--textFile',
      'out.wat',
      ...ascFlags(),
    ],
    {
      writeFile: (name: string, contents: Uint8Array | string) => {
        outputs.set(basename(name), contents);
      },
      stderr: {
        write: (s: Uint8Array | string) => {
          stderr += typeof s === 'string' ? s : new TextDecoder().decode(s);
          return true;
        },
      } as never,
      stdout: { write: () => true } as never,
    },
  );
  const wasm = outputs.get('out.wasm');
  if (error || !(wasm instanceof Uint8Array)) {
    throw new ContractBuildError(
      `asc failed for ${entry}: ${error?.message ?? 'no output'}\n${stderr.trim()}`,
    );
  }
  return { wasm: new Uint8Array(wasm), wat: String(outputs.get('out.wat') ?? '') };
}

function toAscPath(abs: string): string {
  return abs.slice(parse(abs).root.length).replaceAll('\\', '/');
}

function readSources(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => readFileSync(join(dir, n), 'utf8'));
}

/** The build cache key: asc version, flags, the SDK and the example's source. */
export async function sourceHash(name: ExampleName): Promise<string> {
  // the version from package.json: importing asc itself (and binaryen) takes seconds
  const ascPkg = createRequire(import.meta.url).resolve('assemblyscript/package.json');
  const version = (JSON.parse(readFileSync(ascPkg, 'utf8')) as { version: string }).version;
  const h = createHash('sha256');
  h.update(`asc ${version}\n${ascFlags().join(' ')}\n`);
  for (const s of readSources(sdkDir)) h.update(s);
  h.update(readFileSync(join(examplesDir, `${name}.ts`), 'utf8'));
  return h.digest('hex');
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * The compiled example, built on first use and cached under `build/` by source hash (safe with
 * concurrent test processes: outputs are written to a temp file and renamed).
 */
export async function exampleWasm(name: ExampleName): Promise<Uint8Array> {
  if (!EXAMPLES.includes(name)) throw new ContractBuildError(`unknown example ${String(name)}`);
  const hash = await sourceHash(name);
  const wasmPath = join(buildDir, `${name}.wasm`);
  const hashPath = join(buildDir, `${name}.hash`);
  try {
    if (readFileSync(hashPath, 'utf8') === hash) return new Uint8Array(readFileSync(wasmPath));
  } catch {
    // not built yet
  }
  const { wasm, wat } = await compileContract(join(examplesDir, `${name}.ts`));
  mkdirSync(buildDir, { recursive: true });
  writeAtomic(wasmPath, wasm);
  writeAtomic(join(buildDir, `${name}.wat`), wat);
  writeAtomic(hashPath, hash);
  return wasm;
}

/** Builds every example (the `build` npm script). */
export async function buildExamples(): Promise<Record<ExampleName, Uint8Array>> {
  const out = {} as Record<ExampleName, Uint8Array>;
  for (const n of EXAMPLES) out[n] = await exampleWasm(n);
  return out;
}
