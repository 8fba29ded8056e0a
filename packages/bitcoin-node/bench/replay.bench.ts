// `keel bench replay`: replay of a generated regtest chain of real, signed transactions of
// every output kind, per dbcache size, each run in its own process; plus the LMDB/LevelDB
// store comparison. KEEL_BENCH_REPLAY_BLOCKS sets the number of spending blocks (default
// 300 × scale, 10 transactions of 2 inputs each) and KEEL_BENCH_REPLAY_OUTPUTS the outputs per
// transaction (default 2; more grows the UTXO set to exercise the cache sizes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { type BenchMain, KeelError } from '@keel/util';
import { encodeBlockStream, RegtestChain } from '../src/regtest/index.ts';
import { benchStores } from './stores.ts';

const CHILD = fileURLToPath(new URL('./replayChild.ts', import.meta.url));

interface ChildResult {
  blocks: number;
  inputs: number;
  txs: number;
  elapsedMs: number;
  cpuMs: number;
  sigMs: number;
  connectMs: number;
  scriptMs: number;
  sigs: number;
  hits: number;
  misses: number;
  flushes: number;
  maxRssKiB: number;
  muhash: string;
}

function runChild(args: string[]): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  if (r.status !== 0)
    throw new KeelError('BENCH_CHILD', `replay child failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

export const main: BenchMain = async (h) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-replay-'));
  try {
    const spending = Number(
      process.env.KEEL_BENCH_REPLAY_BLOCKS ?? Math.max(20, Math.round(300 * h.scale)),
    );
    const backend = await loadSecp256k1Backend('auto');
    const chain = new RegtestChain({ backend, seed: 7, keySlots: 8 });
    const g0 = performance.now();
    for (let i = 0; i < 101; i++) chain.mine();
    const outputs = Number(process.env.KEEL_BENCH_REPLAY_OUTPUTS ?? 2);
    for (let i = 0; i < spending; i++) chain.mine({ txs: 10, inputs: 2, outputs });
    h.log(
      `generated ${chain.height} blocks in ${((performance.now() - g0) / 1000).toFixed(1)} s (${backend.name})`,
    );
    const file = join(dir, 'chain.blk');
    writeFileSync(file, encodeBlockStream(chain.blocks));
    const configs: Array<[number, string, number]> = [
      [16, 'lmdb', 0],
      [128, 'lmdb', 0],
      [512, 'lmdb', 0],
      [128, 'leveldb', 0],
      [128, 'lmdb', 2],
    ];
    let muhash: string | undefined;
    for (const [mb, store, workers] of configs) {
      const r = runChild([
        file,
        join(dir, `d-${mb}-${store}-${workers}`),
        String(mb),
        store,
        String(workers),
      ]);
      if (muhash && r.muhash !== muhash)
        throw new KeelError('BENCH_MISMATCH', 'runs disagree on the UTXO MuHash');
      muhash = r.muhash;
      const tag = `dbcache ${mb} MiB, ${store}${workers ? `, ${workers} workers` : ''}`;
      const s = r.elapsedMs / 1000;
      h.report({
        bench: 'replay',
        metric: `${tag}: blocks/s`,
        value: r.blocks / s,
        unit: 'blocks/s',
      });
      h.report({
        bench: 'replay',
        metric: `${tag}: inputs/s`,
        value: r.inputs / s,
        unit: 'inputs/s',
      });
      if (!workers) {
        // one thread: wall time is CPU time; the anchor is the signature verifications alone
        h.report({
          bench: 'replay',
          metric: `${tag}: replay time`,
          value: r.elapsedMs,
          unit: 'ms',
          anchor: 'signature checks alone',
          anchorValue: r.sigMs,
        });
        h.report({
          bench: 'replay',
          metric: `${tag}: signature checks share of time`,
          value: r.sigMs / r.elapsedMs,
          unit: 'ratio',
        });
        h.report({
          bench: 'replay',
          metric: `${tag}: signature checks share of block connection`,
          value: r.sigMs / r.connectMs,
          unit: 'ratio',
        });
        h.report({
          bench: 'replay',
          metric: `${tag}: script checks (sighash, interpreter, signatures) share of block connection`,
          value: r.scriptMs / r.connectMs,
          unit: 'ratio',
        });
      }
      h.report({
        bench: 'replay',
        metric: `${tag}: cache hit rate`,
        value: r.hits / Math.max(1, r.hits + r.misses),
        unit: 'ratio',
      });
      h.report({
        bench: 'replay',
        metric: `${tag}: peak RSS`,
        value: r.maxRssKiB / 1024,
        unit: 'MiB',
      });
      h.log(
        `${tag}: ${r.blocks} blocks, ${r.inputs} inputs, ${r.flushes} flushes, ${r.elapsedMs.toFixed(0)} ms`,
      );
    }
    await benchStores(h, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
