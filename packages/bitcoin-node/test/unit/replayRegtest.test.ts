import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import { Chainstate, xorInPlace } from '@keel/bitcoin-store';
import { tempDir } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import { encodeBlockStream, OUTPUT_KINDS } from '../../src/regtest/index.ts';
import { replay } from '../../src/replay.ts';
import { baseChain, clock, now, writeStream } from '../fixtures/chains.ts';

const tmp = tempDir('keel-replay-');
after(() => tmp.cleanup());
const chain = baseChain(40);
const file = writeStream(tmp.path, 'chain.blk', chain);
let n = 0;
const run = (extra: Partial<Parameters<typeof replay>[0]> = {}) =>
  replay({ blocks: file, datadir: join(tmp.path, `d${n++}`), adjustedTime: clock, ...extra }, now);

const reference = await run();

test('a generated chain spending every output kind replays fully valid', () => {
  for (const k of OUTPUT_KINDS) assert.ok(chain.spentKinds[k] > 20, `${k} spent`);
  assert.equal(reference.network, 'regtest');
  assert.equal(reference.tipHeight, 141);
  assert.equal(reference.tipHash, bytesToHex(chain.tipHash.slice().reverse()));
  assert.deepEqual(reference.invalid, []);
  assert.ok(reference.inputs > 200);
});

test('the running MuHash, count and amount equal a recomputation over the coins on disk', async () => {
  const datadir = join(tmp.path, 'recompute');
  const s = await replay({ blocks: file, datadir, adjustedTime: clock }, now);
  const cs = await Chainstate.open({
    path: join(datadir, 'chainstate'),
    params: networks.regtest,
    cacheBytes: 1 << 20,
  });
  const again = await cs.recomputeStats();
  await cs.close();
  assert.equal(bytesToHex(again.muhash.finalize().reverse()), s.muhash);
  assert.equal(again.txouts, s.txouts);
  assert.equal(again.amount, s.amount);
});

test('cache size, flush frequency, store and worker threads do not change the result', async () => {
  const variants = [
    await run({ dbcacheMB: 1, flushEveryBlocks: 1 }),
    await run({ store: 'leveldb', flushEveryBlocks: 13 }),
    await run({ workers: 2 }),
  ];
  for (const v of variants) {
    assert.equal(v.tipHash, reference.tipHash);
    assert.equal(v.muhash, reference.muhash);
    assert.equal(v.txouts, reference.txouts);
    assert.equal(v.amount, reference.amount);
  }
  assert.ok(variants[0]!.flushes >= 141);
});

test('resume: --until then a second run ends where one run does', async () => {
  const datadir = join(tmp.path, 'resume');
  const first = await replay({ blocks: file, datadir, adjustedTime: clock, until: 120 }, now);
  assert.equal(first.tipHeight, 120);
  const second = await replay({ blocks: file, datadir, adjustedTime: clock }, now);
  assert.equal(second.resumedFrom, 120);
  assert.equal(second.blocksConnected, 21);
  assert.equal(second.muhash, reference.muhash);
  const third = await replay({ blocks: file, datadir, adjustedTime: clock }, now);
  assert.equal(third.blocksConnected, 0);
  assert.equal(third.muhash, reference.muhash);
});

test('a Core-style blocks/ dir: obfuscated with xor.dat, children stored before parents', async () => {
  const dir = join(tmp.path, 'blocks');
  mkdirSync(dir);
  const key = Uint8Array.of(0x13, 0x57, 0x9b, 0xdf, 0x02, 0x46, 0x8a, 0xce);
  // later blocks in the first file, reversed within it; genesis and the rest in the second
  const later = encodeBlockStream(chain.blocks.slice(70).reverse(), false);
  const earlier = encodeBlockStream(chain.blocks.slice(0, 70));
  xorInPlace(later, key, 0);
  xorInPlace(earlier, key, 0);
  writeFileSync(join(dir, 'blk00000.dat'), later);
  writeFileSync(join(dir, 'blk00001.dat'), earlier);
  writeFileSync(join(dir, 'xor.dat'), key);
  const s = await replay({ blocks: dir, datadir: join(tmp.path, 'xor'), adjustedTime: clock }, now);
  assert.equal(s.network, 'regtest');
  assert.equal(s.indexed, 142);
  assert.equal(s.tipHash, reference.tipHash);
  assert.equal(s.muhash, reference.muhash);
});
