import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { networks } from '@keel/bitcoin/consensus';
import { Chainstate } from '@keel/bitcoin-store';
import { tempDir } from '@keel/test-utils';
import { SeededRng } from '@keel/util';
import { replay } from '../../src/replay.ts';
import { baseChain, clock, now, writeStream } from '../fixtures/chains.ts';

const KEEL = fileURLToPath(new URL('../../../cli/bin/keel.js', import.meta.url));
const tmp = tempDir('keel-crash-');
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  tmp.cleanup();
});

const chain = baseChain(150, 5);
const file = writeStream(tmp.path, 'chain.blk', chain);
const args = (datadir: string) => [
  KEEL,
  'bitcoin',
  'replay',
  '--blocks',
  file,
  '--datadir',
  datadir,
  '--flush-every',
  '3',
  '--json',
  '--progress',
];

/** Runs the CLI; kills it with SIGKILL after `killAfterMs` if given. Resolves with its exit. */
function runCli(datadir: string, killAfterMs?: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>(
    (resolve, reject) => {
      const c = spawn(process.execPath, args(datadir), { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(c);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (out += d));
      // the kill clock starts at the first progress line, so it lands inside the replay
      let timer: NodeJS.Timeout | undefined;
      c.stderr.once('data', () => {
        if (killAfterMs !== undefined) timer = setTimeout(() => c.kill('SIGKILL'), killAfterMs);
      });
      const guard = setTimeout(() => c.kill('SIGKILL'), 120_000);
      c.on('error', reject);
      c.on('exit', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(guard);
        children.delete(c);
        resolve({ code, signal, out });
      });
    },
  );
}

async function storedHeight(datadir: string): Promise<number> {
  const cs = await Chainstate.open({
    path: join(datadir, 'chainstate'),
    params: networks.regtest,
    cacheBytes: 1 << 20,
  });
  const h = cs.height;
  await cs.close();
  return h;
}

test(
  'SIGKILL at random points, resume each time: the final tip and MuHash equal an uninterrupted run',
  { timeout: 180_000 },
  async () => {
    const reference = await replay(
      { blocks: file, datadir: join(tmp.path, 'ref'), adjustedTime: clock },
      now,
    );
    const datadir = join(tmp.path, 'crashy');
    const rng = new SeededRng(Number(process.env.KEEL_CRASH_SEED ?? 42));
    const heights: number[] = [];
    let killedMidway = 0;
    for (let i = 0; i < 6; i++) {
      // kill somewhere inside the replay, scaled to how long an uninterrupted one takes here
      const r = await runCli(datadir, Math.floor(rng.next() * reference.connectMs));
      const h = await storedHeight(datadir);
      if (r.signal === 'SIGKILL' && h > (heights.at(-1) ?? 0) && h < reference.tipHeight)
        killedMidway++;
      // a flushed tip never goes backwards
      assert.ok(h >= (heights.at(-1) ?? 0), `height ${h} after ${heights.join(',')}`);
      heights.push(h);
      if (r.signal === null) assert.equal(r.code, 0, r.out);
    }
    const last = await runCli(datadir);
    assert.equal(last.code, 0, last.out);
    const s = JSON.parse(last.out.trim().split('\n').at(-1)!);
    assert.equal(s.tipHeight, reference.tipHeight);
    assert.equal(s.tipHash, reference.tipHash);
    assert.equal(s.muhash, reference.muhash);
    assert.equal(s.txouts, reference.txouts);
    assert.equal(s.totalAmountSat, reference.amount.toString());
    assert.ok(killedMidway >= 1, `no kill landed mid-replay (heights ${heights.join(',')})`);
  },
);
