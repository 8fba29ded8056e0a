import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Miner } from '../../src/miner/miner.ts';
import { StatsServer } from '../../src/pool/http.ts';
import { revalidateChain, startPool, waitFor } from '../support/fixtures.ts';

const stops: Array<() => Promise<void>> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

test(
  'pool + 3 miners (grouped standard, standard jobs, extended) mine valid regtest blocks over Noise',
  { timeout: 60_000 },
  async () => {
    const { pool, source, id } = await startPool({ initialTarget: 1n << 242n });
    stops.push(() => pool.stop());
    const common = {
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
    };
    const miners = [
      new Miner({ ...common, user: 'alice.rig1', channel: 'standard' }),
      new Miner({ ...common, user: 'bob.rig1', channel: 'standard', requireStandardJobs: true }),
      new Miner({ ...common, user: 'carol.rig1', channel: 'extended' }),
    ];
    for (const m of miners) {
      await m.start();
      stops.push(() => m.stop());
    }
    await waitFor(
      () => miners.every((m) => m.stats.sharesAccepted >= 2) && source.tip.height >= 6,
      45_000,
      'shares from every miner and 6 blocks',
    );
    const snap = pool.stats.snapshot();
    assert.ok(snap.blocksFound >= 6);
    assert.equal(snap.miners, 3);
    for (const name of ['alice', 'bob', 'carol']) {
      const w = snap.workers.find((x) => x.miner === name);
      assert.ok(w && w.accepted >= 2 && w.hashrate > 0, `${name} has accepted shares`);
    }
    const http = new StatsServer(pool.stats, '127.0.0.1', 0);
    await http.start();
    stops.push(() => http.stop());
    const base = `http://127.0.0.1:${http.address.port}`;
    const json = (await (await fetch(`${base}/stats`)).json()) as {
      workers: Array<{ miner: string; worker: string; accepted: number }>;
    };
    assert.ok(
      json.workers.some((w) => w.miner === 'bob' && w.worker === 'rig1' && w.accepted >= 2),
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /stratum_shares_accepted_total\{miner="carol",worker="rig1"\} \d+/);
    assert.match(metrics, /stratum_blocks_found_total \d+/);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const chain = source.chain.map((b) => b.block);
    const verdict = revalidateChain(chain);
    assert.deepEqual(verdict, { ok: true });
  },
);
