// `keel bench p2p`: initial block download of a generated regtest chain full of signed spends
// (every wallet output kind) from a keel peer over loopback, against `replay` of the same blocks
// in the same run (the anchor: the same validation without the network); BIP152 bytes per
// block, compact against full; mempool admission p50/p99 (F's benchMempoolAdmission).
// The serving node runs in its own process (`keel bitcoin node`), so the syncing node's time is
// its own. KEEL_BENCH_P2P_BLOCKS sets the chain length (default 2000 × scale, at least 200).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBlock } from '@keel/bitcoin';
import { createCompactBlock, encodeCmpctBlock } from '@keel/bitcoin-p2p';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { type BenchMain, KeelError, SeededRng } from '@keel/util';
import { BitcoinNode } from '../src/node/node.ts';
import { encodeBlockStream, RegtestChain } from '../src/regtest/index.ts';
import { replay } from '../src/replay.ts';
import { benchMempoolAdmission } from './mempoolAdmission.bench.ts';

const KEEL = fileURLToPath(new URL('../../cli/bin/keel.js', import.meta.url));

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as { port: number };
      s.close(() => resolve(a.port));
    });
  });
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new KeelError('BENCH_TIMEOUT', `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const main: BenchMain = async (h) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-p2p-'));
  let server: ChildProcess | undefined;
  try {
    const total = Number(
      process.env.KEEL_BENCH_P2P_BLOCKS ?? Math.max(200, Math.round(2000 * h.scale)),
    );
    const backend = await loadSecp256k1Backend('auto');
    const chain = new RegtestChain({ backend, seed: 9, keySlots: 8 });
    const g0 = performance.now();
    for (let i = 0; i < 101; i++) chain.mine();
    while (chain.height < total) chain.mine({ txs: 6, inputs: 2 });
    h.log(
      `generated ${chain.height} blocks in ${((performance.now() - g0) / 1000).toFixed(1)} s (${backend.name})`,
    );

    // the serving node's datadir: the chain accepted once (setup, not measured)
    const serveDir = join(dir, 'serve');
    const seed = new BitcoinNode({
      network: 'regtest',
      datadir: serveDir,
      listen: false,
      rpc: false,
      secp: backend,
    });
    await seed.start();
    for (const b of chain.blocks) await seed.chain.acceptBlock(b, { requested: true });
    await seed.stop();
    const port = await freePort();
    server = spawn(
      process.execPath,
      [
        KEEL,
        'bitcoin',
        'node',
        '--network',
        'regtest',
        '--datadir',
        serveDir,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--no-server',
        '--no-v2transport',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    // wait for the listener
    const { connect } = await import('node:net');
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((r) => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy();
          r(true);
        });
        s.on('error', () => r(false));
      });
      if (ok) break;
      if (i > 300) throw new KeelError('BENCH_TIMEOUT', 'serving node did not listen');
      await new Promise((r) => setTimeout(r, 100));
    }

    // IBD from the peer: the node process's own time, from start to the last block connected
    const t0 = performance.now();
    const node = new BitcoinNode({
      network: 'regtest',
      datadir: join(dir, 'sync'),
      listen: false,
      rpc: false,
      connect: [`127.0.0.1:${port}`],
      v2transport: false,
      secp: backend,
    });
    await node.start();
    await until('sync', () => node.chain.height >= chain.height, 30 * 60_000);
    const syncMs = performance.now() - t0;
    const inputs = node.chain.stats.inputs;
    await node.stop();

    // anchor: replay of the same blocks, same process, same backend
    const file = join(dir, 'chain.blk');
    writeFileSync(file, encodeBlockStream(chain.blocks));
    const r = await replay(
      {
        blocks: file,
        datadir: join(dir, 'replay'),
        adjustedTime: Math.floor(Date.now() / 1000),
        secp: backend,
      },
      () => performance.now(),
    );
    if (r.tipHeight !== chain.height)
      throw new KeelError('BENCH_MISMATCH', 'replay did not reach the tip');
    const s = syncMs / 1000;
    h.report({
      bench: 'p2p',
      metric: `IBD of ${chain.height} blocks from a keel peer: blocks/s`,
      value: chain.height / s,
      unit: 'blocks/s',
    });
    h.report({ bench: 'p2p', metric: 'IBD: inputs/s', value: inputs / s, unit: 'inputs/s' });
    h.report({
      bench: 'p2p',
      metric: 'IBD time (goal ≤ 1.15 × replay)',
      value: syncMs,
      unit: 'ms',
      anchor: 'keel bitcoin replay of the same blocks',
      anchorValue: r.elapsedMs,
    });

    // BIP152: compact block bytes against the full block, over the spending blocks
    const rng = new SeededRng(3);
    let compact = 0;
    let full = 0;
    let n = 0;
    for (const b of chain.blocks.slice(101)) {
      const nonce = new DataView(rng.bytes(8).buffer).getBigUint64(0, true);
      compact += encodeCmpctBlock(createCompactBlock(b, nonce)).length;
      full += encodeBlock(b).length;
      n++;
    }
    h.report({
      bench: 'p2p',
      metric: 'BIP152 cmpctblock bytes per block',
      value: compact / n,
      unit: 'bytes',
      anchor: 'full block bytes',
      anchorValue: full / n,
    });

    await benchMempoolAdmission(h);
  } finally {
    server?.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
};
