import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, tempDir } from '@keel/test-utils';

const KEEL = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;
const procs: ChildProcess[] = [];
const dirs: Array<() => void> = [];
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs) d();
});

function run(args: string[]): {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<number | null>;
} {
  const proc = spawn(process.execPath, [KEEL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const done = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, out: () => out, err: () => err, done };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test(
  'keel stratum pool --regtest --exit-after-blocks 2 --json with keel stratum miner',
  { timeout: 90_000 },
  async () => {
    const dir = tempDir();
    dirs.push(dir.cleanup);
    const port = await freePort();
    const pool = run([
      'stratum',
      'pool',
      '--regtest',
      '--datadir',
      dir.path,
      '--listen',
      `127.0.0.1:${port}`,
      '--exit-after-blocks',
      '2',
      '--json',
      '--log-level',
      'warn',
    ]);
    const pub = join(dir.path, 'authority.pub');
    await until(
      () => existsSync(pub) && readFileSync(pub, 'utf8').trim().length === 64,
      30_000,
      'authority.pub',
    );
    const miner = run([
      'stratum',
      'miner',
      '--pool',
      `127.0.0.1:${port}`,
      '--authority-key',
      `@${pub}`,
      '--threads',
      '1',
      '--user',
      'cli.test',
      '--log-level',
      'error',
    ]);
    const code = await pool.done;
    assert.equal(code, 0, pool.err());
    const summary = JSON.parse(pool.out().trim());
    assert.deepEqual(Object.keys(summary).sort(), [
      'blocksFound',
      'miners',
      'sharesAccepted',
      'sharesRejected',
      'tipHash',
      'tipHeight',
    ]);
    assert.equal(summary.blocksFound, 2);
    assert.equal(summary.tipHeight, 2);
    assert.match(summary.tipHash, /^[0-9a-f]{64}$/);
    assert.equal(summary.miners, 1);
    assert.ok(summary.sharesAccepted >= 2);
    miner.proc.kill('SIGTERM');
    await miner.done;
  },
);

test('keel stratum: bad arguments are clear errors', { timeout: 90_000 }, async () => {
  const a = run(['stratum', 'miner', '--pool', 'nohost', '--authority-key', 'abc']);
  assert.equal(await a.done, 2);
  assert.match(a.err(), /--pool: expected HOST:PORT/);
  const b = run(['stratum', 'miner', '--pool', '127.0.0.1:1', '--authority-key', 'abc']);
  assert.equal(await b.done, 2);
  assert.match(b.err(), /--authority-key: invalid authority key/);
  const c = run(['stratum', 'pool', '--listen', '127.0.0.1:0']);
  assert.equal(await c.done, 2);
  assert.match(c.err(), /--regtest.*--rpc-url/);
});
