import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir, vectorsDirOrSkip } from '@keel/test-utils';
import { isKeelError } from '@keel/util';
import {
  CheckpointMismatchError,
  checkpointFileHeader,
  formatCheckpoint,
  parseCheckpoints,
} from '../../src/checkpoints.ts';
import { replay } from '../../src/replay.ts';
import { clock, now } from '../fixtures/chains.ts';

const tmp = tempDir('keel-cp-');
after(() => tmp.cleanup());
const shipped = readFileSync(
  new URL('../../checkpoints/mainnet-0-255.txt', import.meta.url),
  'utf8',
);

test('checkpoint files: parse, format round trip, network line', () => {
  const f = parseCheckpoints(shipped);
  assert.equal(f.network, 'main');
  assert.equal(f.checkpoints.length, 256);
  const text = checkpointFileHeader('main') + f.checkpoints.map(formatCheckpoint).join('\n');
  assert.deepEqual(parseCheckpoints(text), f);
});

test('bad checkpoint lines are KeelErrors naming the line', () => {
  const h = 'a'.repeat(64);
  for (const [line, why] of [
    ['1 2 3', /expected 5 fields/],
    [`x ${h} ${h} 1 1`, /bad height/],
    [`1 ${h.toUpperCase()} ${h} 1 1`, /block hash/],
    [`1 ${h} ${h.slice(1)} 1 1`, /muhash/],
    [`1 ${h} ${h} -1 1`, /bad txouts/],
    [`1 ${h} ${h} 1 1.5`, /bad amount/],
    [`2 ${h} ${h} 1 1\n2 ${h} ${h} 1 1`, /line 3: height 2 does not ascend/],
  ] as const) {
    assert.throws(
      () => parseCheckpoints(`# c\n${line}`, 'f'),
      (e) => isKeelError(e) && why.test(e.message),
      line,
    );
  }
});

const vectors = vectorsDirOrSkip();
const blk = vectors && join(vectors, 'blocks', 'mainnet-0-255.blk');

test(
  'mainnet 0..255: every height equals the shipped checkpoints (checked by the independent recomputation)',
  { skip: !blk },
  async () => {
    const { checkpoints } = parseCheckpoints(shipped);
    const written: string[] = [];
    const s = await replay(
      {
        blocks: blk!,
        datadir: join(tmp.path, 'main'),
        adjustedTime: clock,
        checkpoints,
        writeCheckpoint: { every: 1, write: (c) => written.push(formatCheckpoint(c)) },
      },
      now,
    );
    assert.equal(s.tipHeight, 255);
    assert.equal(s.tipHash, '00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c');
    assert.equal(s.muhash, '60e29020ee287387a5b311fa9d665e232d41fb14f6243342cf1bdd967cc82117');
    assert.equal(s.txouts, 260);
    assert.equal(s.amount, 1_275_000_000_000n);
    assert.deepEqual(written, checkpoints.map(formatCheckpoint));
    // genesis: its coinbase is not in the UTXO set; the empty set has Core's initial MuHash
    assert.match(
      written[0]!,
      / dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8 0 0$/,
    );
  },
);

test(
  'a checkpoint that disagrees stops the replay with the height and field',
  { skip: !blk },
  async () => {
    const { checkpoints } = parseCheckpoints(shipped);
    const bad = checkpoints.map((c) => (c.height === 170 ? { ...c, amount: c.amount + 1n } : c));
    const datadir = join(tmp.path, 'bad');
    await assert.rejects(
      replay({ blocks: blk!, datadir, adjustedTime: clock, checkpoints: bad }, now),
      (e) =>
        e instanceof CheckpointMismatchError &&
        /checkpoint mismatch at height 170: amount is 850000000000, checkpoint says 850000000001/.test(
          e.message,
        ),
    );
    // what was validated before the stop is kept: a re-run resumes at 170
    const again = await replay({ blocks: blk!, datadir, adjustedTime: clock }, now);
    assert.equal(again.resumedFrom, 170);
    assert.equal(again.tipHeight, 255);
  },
);
