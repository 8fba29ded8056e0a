import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Devnet } from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import type { BenchMain } from '@keel/util';

const B = 'devnet';
const KEEL_BIN = new URL('../../cli/bin/keel.js', import.meta.url).pathname;

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

/**
 * `keel bench devnet`: 4 validator processes on loopback under the built-in transfer load;
 * sustained committed tx/s, commit latency (proposer timestamp → commit) p50/p95, and each
 * node's resident memory and CPU time. Targets (anchors): 2,000 tx/s, p50 finality 1 s.
 */
export const main: BenchMain = async (h) => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-devnet-bench-'));
  // Offered load: KEEL_DEVNET_TPS, default 400 tx/s — what 4 nodes plus the generator sustain
  // on a shared 2-core machine (at 2,000 offered they saturate and views time out).
  const tps = Math.round(Number(process.env.KEEL_DEVNET_TPS ?? 400) * Math.min(1, h.scale * 2));
  const runMs = Math.max(10_000, Math.round(40_000 * h.scale));
  const devnet = new Devnet({
    dir,
    validators: 4,
    chainId: 'keel-bench',
    command: [process.execPath, KEEL_BIN, 'chain', 'run'],
    blockTimeMs: 100,
    baseTimeoutMs: 2000,
    syncIntervalMs: 30_000,
    seed: new Uint8Array(randomBytes(32)),
    bls: await loadBlsBackend('blst'),
    accounts: 64,
    adminToken: 'bench',
  });
  try {
    await devnet.setup();
    devnet.startAll();
    await devnet.waitReady(60_000);
    await devnet.waitForHeight(3, 60_000);
    h.log(`load ${tps} tx/s offered for ${runMs} ms`);
    await devnet.startLoad(tps);
    await new Promise((r) => setTimeout(r, 3000));
    const start = Math.min(...(await devnet.statuses()).map((s) => s?.committedHeight ?? 0));
    await new Promise((r) => setTimeout(r, runMs));
    devnet.load?.stop();
    const end = Math.min(...(await devnet.statuses()).map((s) => s?.committedHeight ?? 0));
    const s = await devnet.summary(end, start + 1);
    h.log(`blocks ${start + 1}..${end}, agree ${s.agree}, state roots agree ${s.stateRootsAgree}`);
    h.report({
      bench: B,
      metric: 'tps',
      value: s.tps,
      unit: 'tx/s',
      anchor: 'target',
      anchorValue: 2000,
    });
    h.report({ bench: B, metric: 'offered_tps', value: tps, unit: 'tx/s' });
    h.report({
      bench: B,
      metric: 'finality_p50',
      value: s.finalityP50Ms,
      unit: 'ms',
      anchor: 'target',
      anchorValue: 1000,
    });
    h.report({ bench: B, metric: 'finality_p95', value: s.finalityP95Ms, unit: 'ms' });
    h.report({ bench: B, metric: 'view_changes', value: s.viewChanges, unit: 'views' });
    const url = devnet.nodes[0]!.rpcUrl;
    const rss = await metric(url, 'keel_process_resident_memory_bytes');
    const cpu = await metric(url, 'keel_process_cpu_seconds_total');
    h.report({ bench: B, metric: 'node_rss', value: Math.round(rss / 2 ** 20), unit: 'MiB' });
    h.report({ bench: B, metric: 'node_cpu', value: Math.round(cpu * 10) / 10, unit: 's' });
  } finally {
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};
