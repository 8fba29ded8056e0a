import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { blockHash } from '@keel/bitcoin';
import { hashHex } from '@keel/bitcoin-store';
import { tempDir } from '@keel/test-utils';
import { ChainManager } from '../../src/chain/chainManager.ts';
import { replay } from '../../src/replay.ts';
import { backend, baseChain, clock, now, writeStream } from '../fixtures/chains.ts';

const tmp = tempDir('keel-chain-');
after(() => tmp.cleanup());
const chain = baseChain(20);
let n = 0;
const open = (datadir = join(tmp.path, `d${n++}`)) =>
  ChainManager.open({ datadir, network: 'regtest', secp: backend, now: () => Date.now() });

test('blocks from any order connect; the tip and UTXO hash equal replay of the same blocks', async () => {
  const cm = await open();
  // children before parents: the index links them when the parent arrives
  const blocks = chain.blocks;
  for (let i = blocks.length - 1; i >= blocks.length - 5; i--) {
    const r = await cm.acceptBlock(blocks[i]!, { requested: true });
    assert.equal(r.status, 'orphan');
  }
  for (const b of blocks) {
    const r = await cm.acceptBlock(b, { requested: true });
    assert.ok(r.status === 'accepted' || r.status === 'duplicate', r.status);
  }
  assert.equal(cm.height, blocks.length);
  assert.equal(hashHex(cm.tip.hash), hashHex(chain.tipHash));
  const muhash = hashHex(cm.cs.stats.muhash.clone().finalize());
  await cm.close();
  const file = writeStream(tmp.path, 'c.blk', chain);
  const s = await replay(
    { blocks: file, datadir: join(tmp.path, 'replay'), adjustedTime: clock },
    now,
  );
  assert.equal(s.muhash, muhash);
  assert.equal(s.tipHeight, blocks.length);
});

test('restart resumes from the persisted index without reading block files; headers-only entries survive', async () => {
  const dir = join(tmp.path, 'restart');
  const cm = await open(dir);
  for (const b of chain.blocks.slice(0, 60)) await cm.acceptBlock(b, { requested: true });
  // headers beyond the blocks we have
  const hs = chain.blocks.slice(60, 80).map((b) => b.header);
  assert.equal(cm.acceptHeaders(hs).error, undefined);
  assert.equal(cm.bestHeader.height, 80);
  await cm.close();
  const t = performance.now();
  const again = await open(dir);
  assert.ok(performance.now() - t < 5000);
  assert.equal(again.height, 60);
  assert.equal(again.bestHeader.height, 80);
  assert.equal(again.index.size, 81);
  // stored blocks read back
  const read = again.readBlock(again.atHeight(30)!);
  assert.equal(hashHex(blockHash(read.header)), hashHex(blockHash(chain.blocks[29]!.header)));
  for (const b of chain.blocks.slice(60)) await again.acceptBlock(b, { requested: true });
  assert.equal(again.height, chain.blocks.length);
  await again.close();
});

test('a longer branch reorgs the chain; an invalid block is rejected and its branch abandoned', async () => {
  const cm = await open();
  const base = baseChain(3, 7);
  for (const b of base.blocks) await cm.acceptBlock(b, { requested: true });
  const a = base.fork('a');
  const b = base.fork('b');
  for (let i = 0; i < 2; i++) await cm.acceptBlock(a.mine({ txs: 2 }), { requested: true });
  const aTip = cm.tip;
  for (let i = 0; i < 3; i++) await cm.acceptBlock(b.mine({ txs: 2 }), { requested: true });
  assert.equal(hashHex(cm.tip.hash), hashHex(b.tipHash));
  assert.equal(cm.stats.reorgs, 1);
  assert.ok(!cm.isActive(aTip));
  // an invalid block on a longer branch of a: a tampered signature
  const bad = a.fork('bad');
  await cm.acceptBlock(bad.mine({ txs: 1 }), { requested: true });
  await cm.acceptBlock(bad.mine({ txs: 1 }), { requested: true });
  const r = await cm.acceptBlock(
    bad.mine({
      txs: 1,
      // the signatures commit to the outputs: paying one satoshi less breaks them
      tamper: (txs) => {
        txs[0]!.outputs[0]!.value -= 1n;
      },
    }),
    { requested: true },
  );
  assert.equal(r.status, 'invalid');
  assert.match((r as { reason: string }).reason, /script|sig/i);
  // the two valid blocks of the branch stay active; the invalid one and its branch are set aside
  assert.equal(hashHex(cm.tip.hash), hashHex(blockHash(bad.blocks.at(-2)!.header)));
  assert.ok(cm.bestHeader.invalid === undefined);
  await cm.close();
});

test('--assumevalid: scripts of blocks buried two weeks of work below an assumed block are not run (as Core)', async () => {
  // a block with a broken signature at 102, then 2,030 blocks on top (> 2016 × 600 s of work)
  const c = baseChain(0, 21);
  c.mine({ txs: 1, tamper: (txs) => void (txs[0]!.outputs[0]!.value -= 1n) });
  for (let i = 0; i < 2030; i++) c.mine();
  const headers = c.blocks.map((b) => b.header);
  const run = async (assumeValid: Uint8Array | undefined) => {
    const cm = await ChainManager.open({
      datadir: join(tmp.path, `av${n++}`),
      network: 'regtest',
      secp: backend,
      now: () => Date.now(),
      assumeValid,
    });
    assert.equal(cm.acceptHeaders(headers).error, undefined);
    for (const b of c.blocks) {
      const r = await cm.acceptBlock(b, { requested: true });
      if (r.status === 'invalid') break;
    }
    const h = cm.height;
    await cm.close();
    return h;
  };
  assert.equal(await run(c.tipHash), c.height);
  // without it the bad signature stops the chain at 101
  assert.equal(await run(undefined), 101);
});

test('close() stops a long activation between blocks; the stored blocks connect after a restart', async () => {
  const dir = join(tmp.path, 'abort');
  const cm = await open(dir);
  assert.equal(cm.acceptHeaders(chain.blocks.map((b) => b.header)).error, undefined);
  // every block but the first: stored, not connectable yet
  for (const b of chain.blocks.slice(1)) await cm.acceptBlock(b, { requested: true });
  assert.equal(cm.height, 0);
  // the first makes the whole chain connectable in one activation; close while it runs
  const running = cm.acceptBlock(chain.blocks[0]!, { requested: true });
  await new Promise((r) => setImmediate(r));
  await cm.close();
  await running.catch(() => undefined);
  const stoppedAt = cm.height;
  assert.ok(stoppedAt < chain.blocks.length, `stopped at ${stoppedAt}`);
  const again = await open(dir);
  assert.equal(again.height, stoppedAt);
  await again.activate();
  assert.equal(again.height, chain.blocks.length);
  await again.close();
});
