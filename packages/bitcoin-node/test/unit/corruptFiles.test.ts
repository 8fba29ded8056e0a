import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlockFileError } from '@keel/bitcoin-store';
import { tempDir } from '@keel/test-utils';
import { replay } from '../../src/replay.ts';
import { baseChain, clock, now, writeStream } from '../fixtures/chains.ts';

const tmp = tempDir('keel-corrupt-');
after(() => tmp.cleanup());
const chain = baseChain(10);
const good = writeStream(tmp.path, 'good.blk', chain);
const bytes = readFileSync(good);

test('a truncated file: blocks before the cut are validated and kept, the error names file and offset', async () => {
  const cutFile = join(tmp.path, 'cut.blk');
  writeFileSync(cutFile, bytes.subarray(0, bytes.length - 100));
  const datadir = join(tmp.path, 'cut');
  const s = await replay({ blocks: cutFile, datadir, adjustedTime: clock }, now);
  assert.equal(s.tipHeight, 110);
  assert.match(
    s.fileError!,
    new RegExp(`^${cutFile} at offset \\d+: truncated record: \\d+ bytes announced`),
  );
  // the complete file then resumes from the kept tip
  const again = await replay({ blocks: good, datadir, adjustedTime: clock }, now);
  assert.equal(again.resumedFrom, 110);
  assert.equal(again.tipHeight, 111);
  assert.equal(again.fileError, undefined);
});

test('garbage in the middle: records before it are kept and the offset is exact', async () => {
  const f = join(tmp.path, 'garbage.blk');
  const at = 40_000;
  // find the record boundary at or after `at` by scanning lengths
  let o = 0;
  while (o < at) o += 8 + bytes.readUInt32LE(o + 4);
  const bad = Buffer.from(bytes);
  bad[o] = 0x00;
  bad[o + 1] = 0x13;
  writeFileSync(f, bad);
  const s = await replay({ blocks: f, datadir: join(tmp.path, 'g'), adjustedTime: clock }, now);
  assert.match(
    s.fileError!,
    new RegExp(`at offset ${o}: bad record magic 0013b5da, expected fabfb5da`),
  );
  assert.ok(s.tipHeight > 0 && s.tipHeight < 111);
});

test('a record whose block does not decode stops with a BlockFileError at that record; earlier work is kept', async () => {
  const f = join(tmp.path, 'undecodable.blk');
  const bad = Buffer.from(bytes);
  // the last record: keep its header, break the tx count
  let o = 0;
  let last = 0;
  while (o < bad.length) {
    last = o;
    o += 8 + bad.readUInt32LE(o + 4);
  }
  bad[last + 8 + 80] = 0xff;
  writeFileSync(f, bad);
  const datadir = join(tmp.path, 'u');
  await assert.rejects(
    replay({ blocks: f, datadir, adjustedTime: clock }, now),
    (e) =>
      e instanceof BlockFileError && e.offset === last && /block does not decode/.test(e.message),
  );
  const again = await replay({ blocks: good, datadir, adjustedTime: clock }, now);
  assert.equal(again.resumedFrom, 110);
});
