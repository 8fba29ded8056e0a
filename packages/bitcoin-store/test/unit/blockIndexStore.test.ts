import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { blockHash, encodeBlock } from '@keel/bitcoin';
import { networks } from '@keel/bitcoin/consensus';
import { tempDir } from '@keel/test-utils';
import { BlockFiles } from '../../src/blockFiles.ts';
import { BlockIndex } from '../../src/blockIndex.ts';
import { encodeIndexRecord, indexOp, loadBlockIndex } from '../../src/blockIndexStore.ts';
import { BlockSource } from '../../src/blockSource.ts';
import { Chainstate } from '../../src/chainstate.ts';

const tmp = tempDir('keel-index-');
after(() => tmp.cleanup());
const params = networks.regtest;
// headers that link (proof of work is not checked by the index)
const hdr = (prev: Uint8Array, nonce: number) => ({
  version: 4,
  prevBlock: prev,
  merkleRoot: new Uint8Array(32),
  time: 1,
  bits: 0x207fffff,
  nonce,
});

test('BlockIndex.add links headers in any order; heights and chain work follow', () => {
  const index = new BlockIndex(params);
  index.add(params.genesis.header, params.genesisHash);
  const h1 = hdr(params.genesisHash, 1);
  const h2 = hdr(blockHash(h1), 2);
  const h3 = hdr(blockHash(h2), 3);
  const e3 = index.add(h3, blockHash(h3));
  const e2 = index.add(h2, blockHash(h2));
  assert.equal(e3.height, -1);
  assert.equal(index.unlinked, 2);
  const e1 = index.add(h1, blockHash(h1));
  assert.deepEqual([e1.height, e2.height, e3.height], [1, 2, 3]);
  assert.equal(index.unlinked, 0);
  assert.ok(e3.chainWork > e2.chainWork && e2.chainWork > e1.chainWork);
  assert.equal(index.ancestor(e3, 1), e1);
  assert.deepEqual(index.childrenOf(e1), [e2]);
});

test('index records round-trip through the chainstate database; blk files read back by location', async () => {
  const files = BlockFiles.open(join(tmp.path, 'blocks'), params.magic);
  const index = new BlockIndex(params);
  index.add(params.genesis.header, params.genesisHash);
  const blocks = [1, 2, 3].map((n) => ({ ...params.genesis, header: hdr(new Uint8Array(32), n) }));
  let prev = params.genesisHash;
  const entries = blocks.map((b, i) => {
    b.header.prevBlock = prev;
    prev = blockHash(b.header);
    const loc = i < 2 ? files.append(encodeBlock(b)) : undefined; // the third: header only
    return index.add(b.header, prev, loc);
  });
  index.markInvalid(entries[1]!, 'bad-txns-inputs-missingorspent');
  files.close();
  const cs = await Chainstate.open({ path: join(tmp.path, 'cs'), params, cacheBytes: 1 << 20 });
  await cs.flush(entries.map(indexOp));
  const loaded = await loadBlockIndex(cs.db, params);
  await cs.close();
  assert.equal(loaded.size, 4);
  const [a, b, c] = entries.map((e) => loaded.getByHash(e.hash)!);
  assert.equal(a!.height, 1);
  assert.deepEqual(a!.location, entries[0]!.location);
  assert.equal(b!.invalid, 'bad-txns-inputs-missingorspent');
  assert.match(c!.invalid!, /descends from invalid block/);
  assert.equal(c!.location, undefined);
  assert.equal(encodeIndexRecord(c!).length, 81 + Buffer.byteLength(c!.invalid!));
  // the node's blk files are Core-format: BlockSource scans them
  const scan = BlockSource.open(join(tmp.path, 'blocks')).scan({ network: 'regtest' });
  assert.equal(scan.records.length, 2);
  const again = BlockFiles.open(join(tmp.path, 'blocks'), params.magic);
  assert.deepEqual(again.read(a!.location!), encodeBlock(blocks[0]!));
  again.close();
});
