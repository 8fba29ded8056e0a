// `npm run fuzz`: coverage-guided fuzzing of every target in fuzz/targets.ts, bounded in time.
// Jazzer.js cannot run on this machine (its only registry build, 4.0.0, ships a libFuzzer
// binding linked against glibc 2.38, the machines have 2.36; older versions download their
// binaries from outside the npm registry), so this runner does what it does with V8's own
// block coverage: every input runs with precise coverage on (node:inspector, the same data
// c8 reads); an input that reaches a code block of packages/bitcoin/src not reached before
// joins the corpus and is mutated further (bit flips, interesting bytes, CompactSize
// boundaries, insert/delete, splicing with other corpus entries).
//
//   npm run fuzz                               # every target, 25 s each
//   npm run fuzz -- --seconds 120 --target script --seed 7
// Corpus: fuzz/corpus/<target>/<sha256>.hex (seeded from the vectors; new coverage is kept,
// at most 40 files per target). A crash is written to fuzz/crashes/<target>/ and the run
// exits 1; add it to the corpus (which `npm test` replays) once fixed.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { targets as bitcoinTargets, type FuzzTarget } from './targets.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const seconds = Number(opt('seconds', '25'));
const only = opt('target', '');
let seed = Number(opt('seed', String(Date.now() % 0x7fffffff))) >>> 0 || 1;
const MAX_CORPUS = 40;
const here = fileURLToPath(new URL('.', import.meta.url));

interface RunTarget extends FuzzTarget {
  /** Path fragment whose code blocks count as new coverage; corpus lives next to the target. */
  covers: string;
  corpusRoot: string;
}
// The SV2 frame target lives with its decoder in @keel/stratum (which depends on this
// package, so it is loaded at run time rather than imported: no reference cycle).
const stratumFuzz = new URL('../../stratum/fuzz/', import.meta.url);
const stratumTargets: FuzzTarget[] = (
  (await import(new URL('targets.ts', stratumFuzz).href)) as { targets: FuzzTarget[] }
).targets;
const targets: RunTarget[] = [
  ...bitcoinTargets.map((t) => ({ ...t, covers: '/packages/bitcoin/src/', corpusRoot: here })),
  ...stratumTargets.map((t) => ({
    ...t,
    covers: '/packages/stratum/src/',
    corpusRoot: fileURLToPath(stratumFuzz),
  })),
];

function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

const INTERESTING = [
  0x00, 0x01, 0x4b, 0x4c, 0x4d, 0x4e, 0x51, 0x60, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff,
];

function mutate(input: Uint8Array, corpus: Uint8Array[], maxLen: number): Uint8Array {
  const b = Array.from(input);
  for (let n = 1 + rand(4); n > 0; n--) {
    switch (rand(7)) {
      case 0:
        if (b.length) {
          const i = rand(b.length);
          b[i] = b[i]! ^ (1 << rand(8));
        }
        break;
      case 1:
        if (b.length) b[rand(b.length)] = INTERESTING[rand(INTERESTING.length)]!;
        break;
      case 2:
        b.splice(rand(b.length + 1), 0, ...Array.from({ length: 1 + rand(8) }, () => rand(256)));
        break;
      case 3:
        if (b.length) b.splice(rand(b.length), 1 + rand(Math.min(16, b.length)));
        break;
      case 4: {
        // a CompactSize at a random place
        const v = [0xfd, 0xfe, 0xff][rand(3)]!;
        b.splice(rand(b.length + 1), 0, v, rand(256), rand(256));
        break;
      }
      case 5: {
        const other = corpus[rand(corpus.length)];
        if (other?.length) {
          const at = rand(b.length + 1);
          const from = rand(other.length);
          b.splice(at, rand(b.length - at + 1), ...other.subarray(from, from + 1 + rand(64)));
        }
        break;
      }
      default:
        if (b.length > 1) {
          const i = rand(b.length);
          const j = rand(b.length);
          [b[i], b[j]] = [b[j]!, b[i]!];
        }
    }
  }
  if (b.length > maxLen) b.length = maxLen;
  return Uint8Array.from(b);
}

function post<T>(s: Session, method: string, params?: object): T {
  let out: T | undefined;
  let err: Error | null = null;
  // inspector calls on the same thread complete synchronously
  s.post(method, params ?? {}, (e, r) => {
    err = e;
    out = r as T;
  });
  if (err) throw err;
  return out!;
}

interface Coverage {
  result: Array<{
    url: string;
    functions: Array<{ ranges: Array<{ startOffset: number; endOffset: number; count: number }> }>;
  }>;
}

/**
 * Blocks of packages/bitcoin/src reached since the last call and not in `seen` (counters
 * reset on each take). With `add`, they join `seen`.
 */
function reachedBlocks(s: Session, seen: Set<string>, covers: string, add = true): number {
  const cov = post<Coverage>(s, 'Profiler.takePreciseCoverage');
  let fresh = 0;
  for (const script of cov.result) {
    if (!script.url.includes(covers)) continue;
    for (const f of script.functions) {
      for (const r of f.ranges) {
        if (r.count === 0) continue;
        const key = `${script.url}:${r.startOffset}:${r.endOffset}`;
        if (!seen.has(key)) {
          if (add) seen.add(key);
          fresh++;
        }
      }
    }
  }
  return fresh;
}

function loadCorpus(dir: string): Uint8Array[] {
  mkdirSync(dir, { recursive: true });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => hexToBytes(readFileSync(join(dir, f), 'utf8').trim()));
}

function save(dir: string, data: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const name = `${createHash('sha256').update(data).digest('hex').slice(0, 16)}.hex`;
  writeFileSync(join(dir, name), `${bytesToHex(data)}\n`);
  return name;
}

async function fuzz(t: RunTarget, s: Session): Promise<boolean> {
  const backend = await loadSecp256k1Backend('auto');
  const corpusDir = join(t.corpusRoot, 'corpus', t.name);
  const corpus = loadCorpus(corpusDir);
  if (corpus.length === 0) corpus.push(new Uint8Array(0));
  const seen = new Set<string>();
  reachedBlocks(s, new Set(), t.covers); // drop what loading cost
  for (const c of corpus) {
    runOne(t, c, backend);
    reachedBlocks(s, seen, t.covers);
  }
  const start = performance.now();
  let execs = 0;
  let added = 0;
  let slowest = 0;
  // Coverage is taken once per batch (taking it costs more than most inputs); only a batch
  // that reached something new is replayed input by input to find which inputs did.
  const BATCH = 16;
  while (performance.now() - start < seconds * 1000) {
    const batch: Uint8Array[] = [];
    for (let k = 0; k < BATCH; k++) {
      const input = mutate(corpus[rand(corpus.length)]!, corpus, t.maxLen);
      const t0 = performance.now();
      const crash = runOne(t, input, backend);
      slowest = Math.max(slowest, performance.now() - t0);
      execs++;
      if (crash) {
        const name = save(join(t.corpusRoot, 'crashes', t.name), input);
        process.stdout.write(`${t.name}: CRASH ${crash} (fuzz/crashes/${t.name}/${name})\n`);
        return false;
      }
      batch.push(input);
    }
    if (reachedBlocks(s, seen, t.covers, false) === 0) continue;
    for (const input of batch) {
      runOne(t, input, backend);
      if (reachedBlocks(s, seen, t.covers) === 0) continue;
      corpus.push(input);
      if (loadCorpus(corpusDir).length < MAX_CORPUS && input.length <= 1024) {
        save(corpusDir, input);
        added++;
      }
    }
  }
  process.stdout.write(
    `${JSON.stringify({ target: t.name, execs, seconds, blocks: seen.size, corpus: corpus.length, saved: added, slowestMs: Math.round(slowest) })}\n`,
  );
  return true;
}

/** Runs one input; returns a description of a finding, or undefined. */
function runOne(
  t: FuzzTarget,
  input: Uint8Array,
  backend: Awaited<ReturnType<typeof loadSecp256k1Backend>>,
) {
  try {
    t.run(input, backend);
    return undefined;
  } catch (e) {
    if (isKeelError(e)) return undefined;
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

const s = new Session();
s.connect();
post(s, 'Profiler.enable');
post(s, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
let ok = true;
process.stdout.write(`fuzz seed ${seed}\n`);
for (const t of targets) {
  if (only && t.name !== only) continue;
  ok = (await fuzz(t, s)) && ok;
}
s.disconnect();
process.exit(ok ? 0 : 1);
