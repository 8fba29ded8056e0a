import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inspect, isDeepStrictEqual } from 'node:util';
import { isKeelError } from '@keel/util';
import { CaseFailure, SuiteSetupError } from './errors.ts';
import type {
  CaseOutcome,
  ConformanceSuite,
  CountContext,
  SuiteContext,
  SuiteResult,
} from './types.ts';

export interface RunSuiteOptions {
  vectorsDir: string;
  /** Run only this variant (default: all of the suite's variants). */
  variant?: string;
}

/**
 * Runs a suite strictly: declared files must exist, owned folders may hold no unknown file,
 * every variant must report exactly `expectedCases` cases, and every skip has a reason.
 */
export async function runSuite(
  suite: ConformanceSuite,
  opts: RunSuiteOptions,
): Promise<SuiteResult> {
  const result: SuiteResult = {
    suite: suite.name,
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    skips: [],
  };
  const fail = (id: string, reason: string) => {
    result.failed++;
    result.failures.push({ id, reason });
  };

  for (const problem of checkFiles(suite, opts.vectorsDir)) fail(problem.id, problem.reason);
  const discovered = discoverFiles(suite, opts.vectorsDir);
  for (const problem of discovered.problems) fail(problem.id, problem.reason);
  const files = [...new Set([...suite.files, ...discovered.files])].sort();
  const reader = createReader(suite, opts.vectorsDir, files);

  let expected: number;
  try {
    expected =
      typeof suite.expectedCases === 'number' ? suite.expectedCases : suite.expectedCases(reader);
  } catch (e) {
    fail('<count>', `could not count the cases from the files: ${describe(e)}`);
    return result;
  }
  if (expected === 0) {
    fail('<count>', 'the files hold no cases');
    return result;
  }

  const variants = selectVariants(suite, opts.variant);
  for (const variant of variants) {
    const before = result.passed + result.failed + result.skipped;
    const prefix = variant === undefined ? '' : `${variant}/`;
    const seen = new Set<string>();
    const pending: Promise<void>[] = [];
    const ctx = createContext(reader, variant, {
      onCase(id, outcome) {
        const full = prefix + id;
        if (seen.has(full)) {
          fail(full, 'duplicate case id');
          return;
        }
        seen.add(full);
        if (outcome.kind === 'pass') result.passed++;
        else if (outcome.kind === 'fail') fail(full, outcome.reason);
        else {
          result.skipped++;
          result.skips.push({ id: full, reason: outcome.reason });
        }
      },
      track(p) {
        pending.push(p);
      },
    });
    try {
      await suite.run(ctx);
      await Promise.all(pending);
    } catch (e) {
      await Promise.allSettled(pending);
      fail(`${prefix}<suite>`, `suite aborted: ${describe(e)}`);
    }
    const ran = result.passed + result.failed + result.skipped - before;
    const cases = ran - countSuiteLevel(result.failures, prefix);
    if (cases !== expected) {
      fail(`${prefix}<count>`, `ran ${cases} cases, expected exactly ${expected}`);
    }
  }
  return result;
}

function countSuiteLevel(failures: readonly CaseOutcome[], prefix: string): number {
  return failures.filter((f) => f.id === `${prefix}<suite>`).length;
}

function selectVariants(suite: ConformanceSuite, only?: string): (string | undefined)[] {
  const all = suite.variants ?? [];
  if (only === undefined) return all.length ? [...all] : [undefined];
  if (!all.includes(only)) {
    throw new SuiteSetupError(
      all.length
        ? `suite ${suite.name} has no variant '${only}' (variants: ${all.join(', ')})`
        : `suite ${suite.name} has no variants`,
      { suite: suite.name, variant: only },
    );
  }
  return [only];
}

function checkFiles(suite: ConformanceSuite, dir: string): CaseOutcome[] {
  const problems: CaseOutcome[] = [];
  for (const f of suite.files) {
    try {
      readFileSync(join(dir, f), { flag: 'r' }).length;
    } catch {
      problems.push({ id: `file:${f}`, reason: `vector file missing: ${join(dir, f)}` });
    }
  }
  const known = new Set([...suite.files, ...Object.keys(suite.ignored ?? {})]);
  for (const owned of suite.ownsDirs ?? []) {
    for (const f of listFiles(join(dir, owned))) {
      const rel = relative(dir, f).split('\\').join('/');
      if (!known.has(rel)) {
        problems.push({
          id: `file:${rel}`,
          reason: 'unknown file in a folder this suite owns; add it to the suite',
        });
      }
    }
  }
  return problems;
}

function discoverFiles(
  suite: ConformanceSuite,
  dir: string,
): { files: string[]; problems: CaseOutcome[] } {
  const files: string[] = [];
  const problems: CaseOutcome[] = [];
  const pattern = suite.filesInPattern ?? /\.json$/;
  for (const folder of suite.filesIn ?? []) {
    const found = listFiles(join(dir, folder))
      .map((f) => relative(dir, f).split('\\').join('/'))
      .filter((f) => pattern.test(f) && !(f in (suite.ignored ?? {})));
    if (found.length === 0) {
      problems.push({
        id: `file:${folder}`,
        reason: `vector folder missing or holds no matching file: ${join(dir, folder)}`,
      });
    }
    files.push(...found);
  }
  return { files, problems };
}

function listFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

type Outcome =
  | { kind: 'pass' }
  | { kind: 'fail'; reason: string }
  | { kind: 'skip'; reason: string };

interface ContextHooks {
  onCase(id: string, outcome: Outcome): void;
  track(p: Promise<void>): void;
}

function createReader(
  suite: ConformanceSuite,
  dir: string,
  files: readonly string[],
): CountContext {
  const declared = new Set(files);
  const path = (p: string) => {
    if (!declared.has(p)) {
      throw new SuiteSetupError(`suite ${suite.name} read undeclared file ${p}`, { file: p });
    }
    return join(dir, p);
  };
  const cache = new Map<string, unknown>();
  return {
    files,
    readJson(p) {
      if (!cache.has(p)) cache.set(p, JSON.parse(readFileSync(path(p), 'utf8')));
      return cache.get(p);
    },
    readText: (p) => readFileSync(path(p), 'utf8'),
    readBytes: (p) => new Uint8Array(readFileSync(path(p))),
  };
}

function createContext(
  reader: CountContext,
  variant: string | undefined,
  hooks: ContextHooks,
): SuiteContext {
  return {
    ...reader,
    variant,
    check(id, fn) {
      const p = (async () => {
        try {
          await fn();
          hooks.onCase(id, { kind: 'pass' });
        } catch (e) {
          hooks.onCase(id, { kind: 'fail', reason: describe(e) });
        }
      })();
      hooks.track(p);
      return p;
    },
    skip(id, reason) {
      if (!reason.trim()) throw new SuiteSetupError(`skip of ${id} has no reason`);
      hooks.onCase(id, { kind: 'skip', reason });
    },
    expectEqual(actual, expected, label) {
      if (!isDeepStrictEqual(actual, expected)) {
        throw new CaseFailure(
          `${label ? `${label}: ` : ''}expected ${show(expected)}, got ${show(actual)}`,
        );
      }
    },
    expectTrue(cond, label) {
      if (!cond) throw new CaseFailure(label);
    },
    expectThrows(fn, label) {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new CaseFailure(`${label}: expected an error, none was thrown`);
    },
  };
}

function show(v: unknown): string {
  return inspect(v, { depth: 4, maxArrayLength: 16, maxStringLength: 200, breakLength: Infinity });
}

function describe(e: unknown): string {
  if (e instanceof CaseFailure) return e.message;
  if (isKeelError(e)) return `${e.name} ${e.code}: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
