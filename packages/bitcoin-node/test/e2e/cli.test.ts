import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, vectorsDirOrSkip } from '@keel/test-utils';

const KEEL = fileURLToPath(new URL('../../../cli/bin/keel.js', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../checkpoints/mainnet-0-255.txt', import.meta.url));
const tmp = tempDir('keel-cli-');
after(() => tmp.cleanup());
const vectors = vectorsDirOrSkip();
const blk = vectors && join(vectors, 'blocks', 'mainnet-0-255.blk');
const keel = (...args: string[]) =>
  spawnSync(process.execPath, [KEEL, 'bitcoin', 'replay', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });

test(
  'keel bitcoin replay on mainnet 0..255: --json summary, written checkpoints equal the shipped ones',
  { skip: !blk },
  () => {
    const cp = join(tmp.path, 'cp.txt');
    const r = keel(
      '--blocks',
      blk!,
      '--datadir',
      join(tmp.path, 'a'),
      '--write-checkpoints',
      cp,
      '--every',
      '1',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.tipHeight, 255);
    assert.equal(s.muhash, '60e29020ee287387a5b311fa9d665e232d41fb14f6243342cf1bdd967cc82117');
    assert.equal(s.txouts, 260);
    assert.equal(s.totalAmount, '12750.00000000');
    const lines = (t: string) => t.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(lines(readFileSync(cp, 'utf8')), lines(readFileSync(SHIPPED, 'utf8')));
  },
);

test(
  'a checkpoint mismatch exits 1 naming height and field; bad flags exit 2',
  { skip: !blk },
  () => {
    const bad = join(tmp.path, 'bad.txt');
    writeFileSync(
      bad,
      readFileSync(SHIPPED, 'utf8').replace(
        /^(9 \S+ )(\S)/m,
        (_, a, c) => a + (c === '0' ? '1' : '0'),
      ),
    );
    const r = keel('--blocks', blk!, '--datadir', join(tmp.path, 'b'), '--checkpoints', bad);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /checkpoint mismatch at height 9: muhash is [0-9a-f]{64}, checkpoint says/,
    );
    const u = keel('--blocks', blk!, '--every', '5');
    assert.equal(u.status, 2);
    assert.match(u.stderr, /--write-checkpoints FILE and --every N go together/);
  },
);
