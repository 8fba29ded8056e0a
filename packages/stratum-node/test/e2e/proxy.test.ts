/**
 * Mining proxy: three keel miners (grouped standard, standard jobs, extended) behind one proxy,
 * one upstream extended channel to the pool; shares forwarded with per-device accounting,
 * blocks on the pool's regtest chain (re-validated). Then the primary pool stops and the
 * proxy moves to the backup pool (same authority key), the miners reconnect to the proxy and
 * shares flow again.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Miner } from '../../src/miner/miner.ts';
import { MiningProxy } from '../../src/proxy/proxy.ts';
import { identity, revalidateChain, startPool, waitFor } from '../support/fixtures.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

test(
  'proxy: devices aggregated into one upstream channel, accounting, backup upstream',
  { timeout: 120_000 },
  async () => {
    const poolId = identity();
    const a = await startPool({ identity: poolId, initialTarget: 1n << 240n });
    stops.push(() => a.pool.stop());
    const b = await startPool({ identity: poolId, initialTarget: 1n << 240n });
    stops.push(() => b.pool.stop());
    const proxyId = identity();
    const proxy = new MiningProxy({
      upstreams: [
        { host: '127.0.0.1', port: a.pool.address.port },
        { host: '127.0.0.1', port: b.pool.address.port },
      ],
      upstreamAuthorityKey: poolId.authorityPublicKey,
      identity: proxyId,
    });
    await proxy.start();
    stops.push(() => proxy.stop());
    const miners = (['standard', 'standard-jobs', 'extended'] as const).map((kind, i) => {
      const m = new Miner({
        host: '127.0.0.1',
        port: proxy.address.port,
        authorityPublicKey: proxyId.authorityPublicKey,
        threads: 1,
        user: `dev.${i}`,
        channel: kind === 'extended' ? 'extended' : 'standard',
        requireStandardJobs: kind === 'standard-jobs',
        minBackoffMs: 100,
      });
      stops.push(() => m.stop());
      return m;
    });
    for (const m of miners) await m.start();
    // One upstream connection and channel for all three devices.
    await waitFor(() => proxy.pool.stats.snapshot().channels === 3, 20_000, '3 local channels');
    assert.equal(a.pool.stats.snapshot().connections, 1);
    assert.equal(a.pool.stats.snapshot().channels, 1);
    await waitFor(
      () =>
        [0, 1, 2].every((i) => (proxy.upstream.perDownstream.get(`dev.${i}`)?.accepted ?? 0) >= 1),
      60_000,
      'upstream-accepted shares from every device',
    );
    await waitFor(() => a.source.tip.height >= 2, 30_000, 'blocks on the pool chain');
    const check = revalidateChain(a.source.chain.map((x) => x.block));
    assert.ok(check.ok, check.reason);
    // A share in flight when the pool finds a block is stale — a race, not an error (the pool
    // mines on regtest at an easy target, so blocks come every few shares). Nothing else may be
    // rejected.
    const { 'stale-share': _stale, ...otherRejections } = a.pool.stats.snapshot().sharesRejected;
    assert.deepEqual(otherRejections, {});

    // The primary goes away: the proxy switches to the backup, devices come back through it.
    await a.pool.stop();
    await waitFor(() => b.pool.stats.snapshot().channels === 1, 30_000, 'proxy on the backup');
    const before = b.pool.stats.snapshot().sharesAccepted;
    await waitFor(
      () => b.pool.stats.snapshot().sharesAccepted > before + 2,
      60_000,
      'shares on the backup',
    );
    assert.equal(proxy.upstream.upstream.port, b.pool.address.port);
  },
);
