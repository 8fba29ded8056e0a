import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '@keel/test-utils';
import { encodeBlockStream } from '../../src/regtest/index.ts';
import { ReorgTooDeepError, replay } from '../../src/replay.ts';
import { baseChain, clock, now, writeStream } from '../fixtures/chains.ts';

const tmp = tempDir('keel-reorg-');
after(() => tmp.cleanup());

// common history to 110, then branch A (+6 blocks) and the heavier branch B (+9 blocks)
const base = baseChain(9);
const a = base.fork('a');
const b = base.fork('b');
for (let i = 0; i < 6; i++) a.mine({ txs: 4 });
for (let i = 0; i < 9; i++) b.mine({ txs: 4 });
const fileA = writeStream(tmp.path, 'a.blk', a);
const fileB = writeStream(tmp.path, 'b.blk', b);
const onlyB = await replay(
  { blocks: fileB, datadir: join(tmp.path, 'ref-b'), adjustedTime: clock },
  now,
);
const onlyA = await replay(
  { blocks: fileA, datadir: join(tmp.path, 'ref-a'), adjustedTime: clock },
  now,
);

/** A Core-style blocks/ dir: A's chain in blk00000.dat, B's branch blocks in blk00001.dat. */
function blocksDir(name: string): string {
  const dir = join(tmp.path, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'blk00000.dat'), encodeBlockStream(a.blocks));
  writeFileSync(join(dir, 'blk00001.dat'), encodeBlockStream(b.blocks.slice(110), false));
  return dir;
}

test('a heavier branch found later: disconnect to the fork with stored undo data, connect it (crossing a flush)', async () => {
  assert.notEqual(onlyA.muhash, onlyB.muhash);
  const datadir = join(tmp.path, 'cross');
  const first = await replay({ blocks: fileA, datadir, adjustedTime: clock }, now);
  assert.equal(first.tipHeight, 116);
  // the first run ended with a flush: A's blocks and undo data are only on disk now
  const second = await replay({ blocks: blocksDir('dir1'), datadir, adjustedTime: clock }, now);
  assert.equal(second.reorgs, 1);
  assert.equal(second.blocksDisconnected, 6);
  assert.equal(second.uncleanDisconnects, 0);
  assert.equal(second.blocksConnected, 9);
  assert.equal(second.tipHeight, 119);
  assert.equal(second.tipHash, onlyB.tipHash);
  assert.equal(second.muhash, onlyB.muhash);
  assert.equal(second.txouts, onlyB.txouts);
  assert.equal(second.amount, onlyB.amount);
});

test('an invalid block on the heavier branch: fall back to the valid branch by an in-memory reorg', async () => {
  const c = base.fork('c');
  for (let i = 0; i < 3; i++) c.mine({ txs: 4 });
  // a signed output value changed after signing: the signature no longer verifies
  c.mine({ txs: 4, tamper: (txs) => (txs[0]!.outputs[0]!.value -= 1n) });
  for (let i = 0; i < 6; i++) c.mine({ txs: 4 });
  const dir = join(tmp.path, 'dir2');
  mkdirSync(dir);
  writeFileSync(join(dir, 'blk00000.dat'), encodeBlockStream(c.blocks));
  writeFileSync(join(dir, 'blk00001.dat'), encodeBlockStream(a.blocks.slice(110), false));
  const s = await replay({ blocks: dir, datadir: join(tmp.path, 'inv'), adjustedTime: clock }, now);
  assert.equal(s.invalid.length, 1);
  assert.equal(s.invalid[0]!.height, 114);
  assert.match(s.invalid[0]!.reason, /^mandatory-script-verify-flag-failed/);
  // C's valid prefix (113) has less work than A (116): C's 3 blocks come off again
  assert.equal(s.reorgs, 1);
  assert.equal(s.blocksDisconnected, 3);
  assert.equal(s.tipHash, onlyA.tipHash);
  assert.equal(s.muhash, onlyA.muhash);
});

test('a reorg deeper than the undo data kept is refused with ReorgTooDeepError', async () => {
  const datadir = join(tmp.path, 'deep');
  await replay({ blocks: fileA, datadir, adjustedTime: clock, maxReorgDepth: 5 }, now);
  await assert.rejects(
    replay({ blocks: blocksDir('dir3'), datadir, adjustedTime: clock, maxReorgDepth: 5 }, now),
    (e) =>
      e instanceof ReorgTooDeepError && /reorg of 6 blocks exceeds the limit of 5/.test(e.message),
  );
});
