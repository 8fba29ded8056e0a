import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusJson } from '@keel/api';
import { Devnet } from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { type DashboardServer, startDashboardServer } from '@keel/dashboard';
import { blobNodeArgs, type DevnetOptions } from './options.ts';

const KEEL_BIN = new URL('../../../bin/keel.js', import.meta.url).pathname;

function statusLine(s: readonly (StatusJson | null)[], tps: number): string {
  const live = s.filter((x): x is StatusJson => x !== null);
  const h = live.length ? Math.max(...live.map((x) => x.committedHeight)) : 0;
  const f = live.length ? Math.min(...live.map((x) => x.committedHeight)) : 0;
  const view = live.length ? Math.max(...live.map((x) => x.view)) : 0;
  return `height ${h}  finalized(all) ${f}  view ${view}  nodes ${live.length}/${s.length}  tx/s ${tps.toFixed(0)}`;
}

export async function devnetHandler(o: DevnetOptions): Promise<number> {
  const temp = !o.datadir;
  const dir = o.datadir ?? mkdtempSync(join(tmpdir(), 'keel-devnet-'));
  const say = (line: string) => {
    if (!o.json) process.stderr.write(`${line}\n`);
  };
  const devnet = new Devnet({
    dir,
    validators: o.validators,
    chainId: o.chainId,
    command: [process.execPath, KEEL_BIN, 'chain', 'run'],
    blockTimeMs: o.blockTime,
    baseTimeoutMs: o.baseTimeout,
    syncIntervalMs: 3000,
    seed: new Uint8Array(randomBytes(32)),
    bls: await loadBlsBackend('blst'),
    accounts: 16,
    adminToken: randomBytes(16).toString('hex'),
    nodeArgs: blobNodeArgs(o),
    evmState: o.evmState,
  });
  let stopping = false;
  let dashboard: DashboardServer | null = null;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await dashboard?.stop();
    await devnet.stop();
    if (temp) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    say('\nstopping devnet…');
    void stop().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await devnet.setup();
    devnet.onExit = (i, code, signal) => say(`node ${i} exited (code ${code}, signal ${signal})`);
    devnet.startAll();
    say(`devnet: ${o.validators} validators, chain ${o.chainId}, data in ${dir}`);
    for (const n of devnet.nodes) say(`  node ${n.index}  rpc ${n.rpcUrl}  p2p ${n.p2pPort}`);
    say(`  funded accounts (dev keys): ${devnet.init.accountsPath}`);
    say(
      `  Ethereum JSON-RPC on the same URLs, chain id ${devnet.init.genesis.evmChainId}; funded accounts: ${devnet.init.ethAccountsPath}`,
    );
    await devnet.waitReady(60_000);
    if (o.dashboard) {
      dashboard = await startDashboardServer({
        chain: devnet.nodes[0]!.rpcUrl,
        host: '127.0.0.1',
        port: o.dashboardPort,
        timeoutMs: 5000,
      });
      say(`  dashboard: ${dashboard.url}  (node 0; --no-dashboard to skip)`);
    }
    if (o.load > 0) await devnet.startLoad(o.load);
    let lastTx = 0;
    let lastAt = Date.now();
    let tps = 0;
    const show = (s: readonly (StatusJson | null)[]) => {
      const txs = Math.max(0, ...s.map((x) => x?.txCommitted ?? 0));
      const now = Date.now();
      if (now - lastAt >= 1000) {
        tps = ((txs - lastTx) * 1000) / (now - lastAt);
        lastTx = txs;
        lastAt = now;
      }
      if (o.json) return;
      if (process.stderr.isTTY) process.stderr.write(`\r${statusLine(s, tps)}   `);
      else if (now % 5000 < 300) process.stderr.write(`${statusLine(s, tps)}\n`);
    };
    if (o.slots === undefined) {
      await devnet.waitForHeight(Number.MAX_SAFE_INTEGER, (o.timeout ?? 1e9) * 1000, show);
      return 0;
    }
    const timeoutMs =
      (o.timeout ?? 60 + Math.ceil((o.slots * Math.max(o.blockTime, 50) * 6) / 1000)) * 1000;
    await devnet.waitForHeight(o.slots, timeoutMs, show);
    if (!o.json && process.stderr.isTTY) process.stderr.write('\n');
    devnet.load?.stop();
    const summary = await devnet.summary(o.slots);
    if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.agree && summary.stateRootsAgree ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stop();
  }
}
