import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, tempDir } from '@keel/test-utils';

const KEEL = fileURLToPath(new URL('../../../cli/bin/keel.js', import.meta.url));
const SPEND = fileURLToPath(new URL('../../scripts/regtest-spend.ts', import.meta.url));
const tmp = tempDir('keel-cli-node-');
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

function start(args: string[]): ChildProcess {
  const c = spawn(process.execPath, [KEEL, 'bitcoin', 'node', '--network', 'regtest', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  c.stderr!.resume();
  children.push(c);
  return c;
}

async function rpc(port: number, cookieFile: string, method: string, params: unknown[] = []) {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(readFileSync(cookieFile, 'utf8')).toString('base64')}`,
    },
    body: JSON.stringify({ method, params, id: 1 }),
  });
  const j = (await res.json()) as { result: unknown; error: unknown };
  if (j.error) throw new Error(JSON.stringify(j.error));
  return j.result;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const t = Date.now();
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) =>
    c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code)),
  );

test('keel bitcoin node: two regtest nodes from the CLI, mine over RPC, sync, Ctrl-C flushes, restart resumes', async () => {
  const [p1, r1, p2, r2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const d1 = join(tmp.path, 'one');
  const d2 = join(tmp.path, 'two');
  const c1 = join(d1, 'regtest', '.cookie');
  const c2 = join(d2, 'regtest', '.cookie');
  const one = start([
    '--datadir',
    d1,
    '--port',
    String(p1),
    '--rpcport',
    String(r1),
    '--bind',
    '127.0.0.1',
  ]);
  await until('node one RPC', async () =>
    existsSync(c1) ? rpc(r1, c1, 'getblockcount') : undefined,
  );
  const addr = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
  const hashes = (await rpc(r1, c1, 'generatetoaddress', [30, addr])) as string[];
  assert.equal(hashes.length, 30);
  const two = start([
    '--datadir',
    d2,
    '--port',
    String(p2),
    '--rpcport',
    String(r2),
    '--connect',
    `127.0.0.1:${p1}`,
  ]);
  await until('node two synced', async () =>
    existsSync(c2) && (await rpc(r2, c2, 'getblockcount')) === 30 ? true : undefined,
  );
  assert.equal(await rpc(r2, c2, 'getbestblockhash'), hashes[29]);
  const peers = (await rpc(r2, c2, 'getpeerinfo')) as Array<{ transport_protocol_type: string }>;
  assert.equal(peers[0]!.transport_protocol_type, 'v2');
  // the README's transaction command: mine 101, send a signed spend, mine it — node two follows
  const spend = spawnSync(
    process.execPath,
    ['--import', 'tsx', SPEND, `http://127.0.0.1:${r1}`, c1],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(spend.status, 0, spend.stderr);
  assert.match(spend.stdout, /mined in [0-9a-f]{64}: 1 confirmation/);
  await until('node two has the confirming block', async () =>
    (await rpc(r2, c2, 'getblockcount')) === 132 ? true : undefined,
  );
  two.kill('SIGINT');
  assert.equal(await exited(two), 0);
  assert.ok(!existsSync(c2), 'the cookie is removed at shutdown');
  // restart: resumes at the stored tip without the peer
  const again = start([
    '--datadir',
    d2,
    '--port',
    String(p2),
    '--rpcport',
    String(r2),
    '--no-listen',
  ]);
  const h = await until('restarted', async () =>
    existsSync(c2) ? rpc(r2, c2, 'getblockcount') : undefined,
  );
  assert.equal(h, 132);
  assert.equal(await rpc(r2, c2, 'stop'), 'keel stopping');
  assert.equal(await exited(again), 0);
  one.kill('SIGINT');
  assert.equal(await exited(one), 0);
});
