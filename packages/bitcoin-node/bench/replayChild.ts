// One replay run in its own process (so peak RSS belongs to that run), with signature
// verification timed. Args: <blocks file> <datadir> <dbcache MB> <store> <workers>.
// Prints one JSON object on stdout.
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { replay } from '../src/replay.ts';

const [file, datadir, dbcache, store, workers] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const backend = await loadSecp256k1Backend('auto');
let sigMs = 0;
let sigs = 0;
// the backend object is frozen: build a plain copy with every member, then wrap three
const copy: Record<string, unknown> = {};
for (let o: object | null = backend; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
  for (const k of Object.getOwnPropertyNames(o)) {
    if (k in copy || k === 'constructor') continue;
    const v = (backend as unknown as Record<string, unknown>)[k];
    copy[k] = typeof v === 'function' ? v.bind(backend) : v;
  }
}
const timed = copy as unknown as Secp256k1Backend;
for (const m of ['ecdsaVerify', 'schnorrVerify', 'xOnlyTweakAdd'] as const) {
  const f = backend[m].bind(backend) as (...a: unknown[]) => unknown;
  copy[m] = (...a: unknown[]) => {
    const t = performance.now();
    const r = f(...a);
    sigMs += performance.now() - t;
    if (m !== 'xOnlyTweakAdd') sigs++;
    return r;
  };
}
const cpu0 = process.cpuUsage();
const s = await replay(
  {
    blocks: file,
    datadir,
    dbcacheMB: Number(dbcache),
    store: store as 'lmdb' | 'leveldb',
    workers: Number(workers),
    secp: timed,
    adjustedTime: Math.floor(Date.now() / 1000),
  },
  () => performance.now(),
);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    blocks: s.blocksConnected,
    inputs: s.inputs,
    txs: s.txs,
    elapsedMs: s.elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sigMs,
    sigs,
    scriptMs: s.scriptMs,
    connectMs: s.connectMs,
    hits: s.cacheHits,
    misses: s.cacheMisses,
    flushes: s.flushes,
    maxRssKiB: process.resourceUsage().maxRSS,
    muhash: s.muhash,
  })}\n`,
);
