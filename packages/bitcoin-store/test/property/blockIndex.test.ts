import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BlockHeader, blockHash } from '@keel/bitcoin';
import { networks } from '@keel/bitcoin/consensus';
import { bytesToHex } from '@keel/util';
import fc from 'fast-check';
import { BlockIndex } from '../../src/blockIndex.ts';

const params = networks.regtest;

/** A random block tree: each new header extends a random earlier one (genesis included). */
function tree(parents: number[]): BlockHeader[] {
  const hashes = [params.genesisHash];
  const out: BlockHeader[] = [];
  parents.forEach((p, i) => {
    const h: BlockHeader = {
      version: 4,
      prevBlock: hashes[p % hashes.length]!,
      merkleRoot: new Uint8Array(32),
      time: i,
      bits: 0x207fffff,
      nonce: i,
    };
    out.push(h);
    hashes.push(blockHash(h));
  });
  return out;
}

test('BlockIndex.add in any order equals linking all at once (heights, work, parents, best tip)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      (parents, shuffle) => {
        const headers = tree(parents);
        const order = headers.map((_, i) => i);
        shuffle.forEach((s, i) => {
          const j = i % order.length;
          const k = s % order.length;
          [order[j], order[k]] = [order[k]!, order[j]!];
        });
        const a = new BlockIndex(params);
        a.add(params.genesis.header, params.genesisHash);
        for (const i of order) a.add(headers[i]!, blockHash(headers[i]!));
        const b = BlockIndex.build(
          params,
          headers.map((header, i) => ({
            header,
            hash: blockHash(header),
            offset: i,
            length: 81,
            file: 0,
          })),
        );
        assert.equal(a.unlinked, 0);
        assert.equal(a.size, b.size);
        for (const e of b.entries()) {
          const x = a.get(e.key)!;
          assert.equal(x.height, e.height);
          assert.equal(x.chainWork, e.chainWork);
          assert.equal(x.parent?.key, e.parent?.key);
        }
        // the most-work tip is the same block up to ties (first seen differs with the order)
        assert.equal(a.bestTip().chainWork, b.bestTip().chainWork);
        assert.equal(bytesToHex(a.chainTo(a.get(b.bestTip().key)!).at(-1)!.hash), b.bestTip().key);
      },
    ),
    { numRuns: 200 },
  );
});
