// `keel bench bitcoin-validate`: full validation (decodeBlockWithIds + validateBlock, or + prepareBlock
// and the pool) of the real blocks that ship with
// prevouts, on one thread and on a 2-worker pool, per secp256k1 backend. The anchor is the
// same block's signature verifications alone (the floor any validator has to pay).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findVectorsDir } from '@keel/conformance';
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import type { BenchHarness, BenchMain } from '@keel/util';
import {
  type MemoryCoinView,
  networks,
  prepareBlock,
  validateBlock,
} from '../src/consensus/index.ts';
import type { Block } from '../src/primitives/block.ts';
import { decodeBlock, decodeBlockWithIds } from '../src/primitives/block.ts';
import { hashToHex, txid } from '../src/primitives/transaction.ts';
import { parseScriptFlags } from '../src/script/flags.ts';
import { type PrevoutEntry, prevoutView } from '../src/suites/blocks.ts';
import { createScriptCheckPool, type ScriptCheckPool } from '../src/workers/pool.ts';
import { type BcoinAnchor, loadBcoinAnchor } from './bcoinAnchor.ts';

const TESTNET = 'P2SH,DERSIG,CHECKLOCKTIMEVERIFY,CHECKSEQUENCEVERIFY,WITNESS,NULLDUMMY';
const BLOCKS = [
  { name: 'mainnet-277647', network: 'main', height: 277647, flags: 'P2SH' },
  { name: 'mainnet-300025', network: 'main', height: 300025, flags: 'P2SH' },
  { name: 'testnet3-928816', network: 'test', height: 928816, flags: TESTNET },
  { name: 'testnet3-928828', network: 'test', height: 928828, flags: TESTNET },
  { name: 'testnet3-928831', network: 'test', height: 928831, flags: TESTNET },
  { name: 'testnet3-928848', network: 'test', height: 928848, flags: TESTNET },
  { name: 'testnet3-928849', network: 'test', height: 928849, flags: TESTNET },
  { name: 'testnet3-928927', network: 'test', height: 928927, flags: TESTNET },
  { name: 'testnet3-1087400', network: 'test', height: 1087400, flags: TESTNET },
] as const;
/**
 * noble (pure TS) is ~10× slower, so it (and --quick) runs these blocks only. KEEL_BENCH_BLOCKS
 * and KEEL_BENCH_BACKENDS (comma-separated) narrow a run.
 */
const QUICK_BLOCKS = new Set(['mainnet-277647', 'testnet3-928828', 'testnet3-1087400']);

type Sig = { kind: 'ecdsa' | 'schnorr'; sig: Uint8Array; msg: Uint8Array; pub: Uint8Array };

/** A backend that records every signature verification it is asked for. */
function recording(backend: Secp256k1Backend, out: Sig[]): Secp256k1Backend {
  const copy = Object.fromEntries(
    Object.entries(backend).map(([k, v]) => [k, typeof v === 'function' ? v.bind(backend) : v]),
  ) as unknown as Secp256k1Backend;
  return {
    ...copy,
    ecdsaVerify(sig, msg, pub) {
      out.push({ kind: 'ecdsa', sig, msg, pub });
      return backend.ecdsaVerify(sig, msg, pub);
    },
    schnorrVerify(sig, msg, pub) {
      out.push({ kind: 'schnorr', sig, msg, pub });
      return backend.schnorrVerify(sig, msg, pub);
    },
  };
}

interface Loaded {
  name: string;
  raw: Uint8Array;
  block: Block;
  entries: PrevoutEntry[];
  opts: { params: (typeof networks)['main']; height: number; scriptFlags: number };
}

function load(dir: string, b: (typeof BLOCKS)[number]): Loaded {
  const raw = new Uint8Array(readFileSync(join(dir, `blocks/${b.name}.raw`)));
  const entries = JSON.parse(
    readFileSync(join(dir, `blocks/${b.name}.prevouts.json`), 'utf8'),
  ) as PrevoutEntry[];
  const block = decodeBlock(raw);
  const opts = {
    params: networks[b.network],
    height: b.height,
    scriptFlags: parseScriptFlags(b.flags),
  };
  return { name: b.name, raw, block, entries, opts };
}

/** The ids the decoder hashed from the wire bytes, as validateBlock/prepareBlock take them. */
function ids(d: { txids: Uint8Array[]; wtxids: Uint8Array[] }) {
  return { txids: d.txids, wtxids: d.wtxids };
}

/** Fresh views for `runs` timed runs, built outside the timer. */
function views(l: Loaded, runs: number): MemoryCoinView[] {
  const txids = l.block.txs.map(txid);
  return Array.from({ length: runs }, () => prevoutView(l.block, l.entries, txids));
}

async function benchBlock(
  h: BenchHarness,
  l: Loaded,
  backendName: string,
  backend: Secp256k1Backend,
  pool: ScriptCheckPool,
  bcoin: BcoinAnchor | null,
) {
  const runs = 3;
  // Untimed runs before each timed set: a node validates block after block with its code
  // optimized, while the first validations of a process run in V8's lower tiers (on the
  // 2013 blocks that alone made one thread 2-3x its signature checks). KEEL_BENCH_WARMUP
  // sets how many (default 3; 0 times cold code as before).
  const warmup = Number(process.env.KEEL_BENCH_WARMUP ?? 3);
  const sigs: Sig[] = [];
  const check = validateBlock(decodeBlock(l.raw), views(l, 1)[0]!, {
    ...l.opts,
    backend: recording(backend, sigs),
  });
  if (!check.ok) throw new Error(`${l.name} did not validate: ${check.reason}`);
  const sigMs = h.timeMs(
    () => {
      for (const s of sigs) {
        if (s.kind === 'ecdsa') backend.ecdsaVerify(s.sig, s.msg, s.pub);
        else backend.schnorrVerify(s.sig, s.msg, s.pub);
      }
    },
    { runs },
  );
  for (const v of views(l, warmup)) {
    validateBlock(decodeBlock(l.raw), v, { ...l.opts, backend });
  }
  const v1 = views(l, runs);
  const oneMs = h.timeMs(
    () => {
      const d = decodeBlockWithIds(l.raw);
      const r = validateBlock(d.block, v1.pop()!, { ...l.opts, ...ids(d), backend });
      if (!r.ok) throw new Error(r.reason);
    },
    { runs },
  );
  // the same untimed runs through the pool (at least one: the workers' JIT is cold)
  for (const v of views(l, Math.max(1, warmup))) {
    const p = prepareBlock(decodeBlock(l.raw), v, l.opts);
    if (!p.ok) throw new Error(p.reason);
    await pool.run(p.scriptChecks);
  }
  const v2 = views(l, runs);
  const twoMs = await h.timeMsAsync(
    async () => {
      const d = decodeBlockWithIds(l.raw);
      const p = prepareBlock(d.block, v2.pop()!, { ...l.opts, ...ids(d) });
      if (!p.ok) throw new Error(p.reason);
      const r = await pool.run(p.scriptChecks);
      if (!r.ok) throw new Error(r.reason);
    },
    { runs },
  );
  const m = `${l.name}/${backendName}`;
  const anchor = `${m}/signatures-only-1-thread`;
  let bcoinMs: number | undefined;
  if (bcoin) {
    const inBlock = new Set(l.block.txs.map((tx) => hashToHex(txid(tx))));
    const flags = l.opts.scriptFlags;
    for (let i = 0; i < warmup; i++)
      bcoin.validate(l.raw, bcoin.view(l.entries, inBlock), flags, l.opts.height);
    const bv = Array.from({ length: runs }, () => bcoin.view(l.entries, inBlock));
    bcoinMs = h.timeMs(() => bcoin.validate(l.raw, bv.pop()!, flags, l.opts.height), { runs });
    h.report({
      bench: 'bitcoin-validate',
      metric: `${l.name}/bcoin-native`,
      value: bcoinMs,
      unit: 'ms',
    });
    for (const [what, ms] of [
      ['validate-1-worker', oneMs],
      ['validate-2-workers', twoMs],
    ] as const) {
      h.report({
        bench: 'bitcoin-validate',
        metric: `${m}/${what}-vs-bcoin`,
        value: ms,
        unit: 'ms',
        anchor: 'bcoin-native',
        anchorValue: bcoinMs,
      });
    }
  }
  h.report({
    bench: 'bitcoin-validate',
    metric: `${m}/validate-1-worker`,
    value: oneMs,
    unit: 'ms',
    anchor,
    anchorValue: sigMs,
  });
  h.report({
    bench: 'bitcoin-validate',
    metric: `${m}/validate-2-workers`,
    value: twoMs,
    unit: 'ms',
    anchor: `${m}/validate-1-worker`,
    anchorValue: oneMs,
  });
  h.report({
    bench: 'bitcoin-validate',
    metric: `${m}/sigs-per-second-1-worker`,
    value: (sigs.length * 1000) / oneMs,
    unit: 'sig/s',
  });
  h.report({
    bench: 'bitcoin-validate',
    metric: `${m}/sigs-per-second-2-workers`,
    value: (sigs.length * 1000) / twoMs,
    unit: 'sig/s',
  });
  h.log(
    `${m}: ${sigs.length} signatures, sig-only ${sigMs.toFixed(0)} ms, 1 worker ${oneMs.toFixed(0)} ms (${(oneMs / sigMs).toFixed(2)}×), 2 workers ${twoMs.toFixed(0)} ms (speed-up ${(oneMs / twoMs).toFixed(2)}×)${bcoinMs === undefined ? '' : `, bcoin native ${bcoinMs.toFixed(0)} ms (bcoin/keel: 1 thread ${(bcoinMs / oneMs).toFixed(2)}×, 2 workers ${(bcoinMs / twoMs).toFixed(2)}×)`}`,
  );
}

export const main: BenchMain = async (h) => {
  const dir = findVectorsDir();
  if (!dir) {
    h.log('vectors folder not found (set KEEL_VECTORS): nothing to benchmark');
    return;
  }
  const only = process.env.KEEL_BENCH_BLOCKS?.split(',');
  const backends = process.env.KEEL_BENCH_BACKENDS?.split(',') ?? ['libsecp256k1', 'noble'];
  // KEEL_BENCH_BCOIN=0 skips the bcoin anchor (built once, ~70 s, by scripts/bcoin.mjs)
  const bcoin = process.env.KEEL_BENCH_BCOIN === '0' ? null : loadBcoinAnchor((msg) => h.log(msg));
  for (const backendName of ['libsecp256k1', 'noble'] as const) {
    if (!backends.includes(backendName)) continue;
    let backend: Secp256k1Backend;
    try {
      backend = await loadSecp256k1Backend(backendName);
    } catch (e) {
      h.log(`backend ${backendName} unavailable: ${(e as Error).message}`);
      continue;
    }
    const pool = await createScriptCheckPool({ workers: 2, backend: backendName });
    try {
      for (const b of BLOCKS) {
        if (
          only
            ? !only.includes(b.name)
            : (h.scale < 1 || backendName === 'noble') && !QUICK_BLOCKS.has(b.name)
        )
          continue;
        await benchBlock(
          h,
          load(dir, b),
          backendName,
          backend,
          pool,
          backendName === 'libsecp256k1' ? bcoin : null,
        );
      }
    } finally {
      await pool.close();
    }
  }
};
