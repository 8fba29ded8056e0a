/**
 * SV1→SV2 translator against a real SV1 miner nobody here wrote: cpuminer (`minerd`, built by
 * test/support/cpuminer.ts from ../shared/peers/cpuminer) mines through the translator into
 * keel's SV2 pool on its regtest chain. Every share at the regtest share target is also a
 * regtest block, so blocks must appear on the pool's chain, which is then re-validated from
 * genesis with @keel/bitcoin's consensus code.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { SplitChannelBackend } from '../../src/proxy/translator.ts';
import { UpstreamChannel } from '../../src/proxy/upstream.ts';
import { Sv1Server } from '../../src/sv1/server.ts';
import { buildCpuminer } from '../support/cpuminer.ts';
import { revalidateChain, startPool, waitFor } from '../support/fixtures.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

const built = buildCpuminer();

test(
  'cpuminer (SV1) → keel translator → keel SV2 pool: regtest blocks accepted and re-validated',
  { timeout: 180_000, skip: 'skip' in built ? `cpuminer unavailable: ${built.skip}` : false },
  async () => {
    if (!('minerd' in built)) return;
    const { pool, source, id } = await startPool({ initialTarget: 1n << 240n });
    stops.push(() => pool.stop());
    const upstream = new UpstreamChannel({
      upstreams: [{ host: '127.0.0.1', port: pool.address.port }],
      authorityPublicKey: id.authorityPublicKey,
      user: 'translator',
    });
    await upstream.start();
    stops.push(() => upstream.stop());
    const sv1 = new Sv1Server({ pool: new SplitChannelBackend(upstream) });
    await sv1.start();
    stops.push(() => sv1.stop());

    let out = '';
    const minerd: ChildProcess = spawn(
      built.minerd,
      [
        '-a',
        'sha256d',
        '-o',
        `stratum+tcp://127.0.0.1:${sv1.address.port}`,
        '-u',
        'cpu.w1',
        '-p',
        'x',
        '-t',
        '1',
        '--no-longpoll',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    minerd.stdout?.on('data', (d) => (out += d));
    minerd.stderr?.on('data', (d) => (out += d));
    stops.push(() => {
      minerd.kill('SIGKILL');
    });

    await waitFor(
      () => pool.stats.snapshot().blocksFound >= 3,
      150_000,
      `3 blocks (minerd: ${out.slice(-2000)})`,
    );
    const snap = pool.stats.snapshot();
    assert.ok(snap.sharesAccepted >= 3);
    // cpuminer reports its accepted shares ("accepted: N/M"): the translator answered true.
    await waitFor(() => /accepted: [1-9]\d*\/\d+/.test(out), 10_000, 'minerd accepted lines');
    // Accounting per SV1 miner on the translator, under the name it authorized with.
    const local = upstream.localChannels.find((c) => c.identity === 'cpu.w1');
    assert.ok(
      local && local.accepted >= 3,
      upstream.localChannels.map((c) => `${c.identity}:${c.accepted}`).join(' '),
    );
    assert.equal(source.tip.height, snap.blocksFound);
    const check = revalidateChain(source.chain.map((b) => b.block));
    assert.ok(check.ok, check.reason);
  },
);
