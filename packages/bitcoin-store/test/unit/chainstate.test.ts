import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import { tempDir } from '@keel/test-utils';
import { bytesToHex, SeededRng } from '@keel/util';
import { Chainstate } from '../../src/chainstate.ts';
import { ChainstateError } from '../../src/errors.ts';
import type { ChainstateBackend } from '../../src/kv/db.ts';

const tmp = tempDir('keel-cs-');
after(() => tmp.cleanup());
const params = networks.regtest;
const hdr = (prev: Uint8Array, nonce: number) => ({
  version: 4,
  prevBlock: prev,
  merkleRoot: new Uint8Array(32),
  time: 1,
  bits: 0x207fffff,
  nonce,
});

// One body, run once per embedded store: both must behave identically.
for (const backend of ['lmdb', 'leveldb'] as ChainstateBackend[]) {
  describe(`chainstate on ${backend}`, () => {
    test('coins, chain, undo and stats survive a flush and reopen; recompute equals running', async () => {
      const path = join(tmp.path, `a-${backend}`);
      const rng = new SeededRng(3);
      const cs = await Chainstate.open({ path, params, backend, cacheBytes: 1 << 20 });
      assert.equal(cs.height, 0);
      const outs = Array.from({ length: 50 }, (_, i) => ({ txid: rng.bytes(32), vout: i }));
      outs.forEach((o, i) => {
        cs.cache.add(
          o,
          {
            value: BigInt(1000 + i),
            scriptPubKey: rng.bytes(i % 40),
            height: 1,
            coinbase: i === 0,
          },
          false,
        );
      });
      const hash1 = rng.bytes(32);
      cs.pushTip({ hash: hash1, header: hdr(params.genesisHash, 1) }, { txs: [] });
      await cs.flush();
      // spend ten (five of them were flushed, five added and spent before the next flush)
      for (const o of outs.slice(0, 10)) assert.ok(cs.cache.spend(o));
      const fresh = { txid: rng.bytes(32), vout: 0 };
      cs.cache.add(
        fresh,
        { value: 7n, scriptPubKey: Uint8Array.of(0x51), height: 2, coinbase: false },
        false,
      );
      assert.throws(() =>
        cs.cache.add(
          fresh,
          { value: 7n, scriptPubKey: new Uint8Array(0), height: 2, coinbase: false },
          false,
        ),
      );
      const spent = { value: 1n, scriptPubKey: Uint8Array.of(1), height: 1, coinbase: false };
      cs.pushTip({ hash: rng.bytes(32), header: hdr(hash1, 2) }, { txs: [{ spent: [spent] }] });
      await cs.flush();
      const running = {
        mh: bytesToHex(cs.stats.muhash.clone().finalize()),
        n: cs.stats.txouts,
        a: cs.stats.amount,
      };
      await cs.close();

      const re = await Chainstate.open({ path, params, backend, cacheBytes: 1 << 20 });
      assert.equal(re.height, 2);
      assert.equal(re.stats.txouts, 41);
      assert.equal(bytesToHex(re.stats.muhash.clone().finalize()), running.mh);
      assert.equal(re.cache.get(outs[3]!), undefined);
      assert.equal(re.cache.get(outs[20]!)?.value, 1020n);
      assert.equal(re.cache.get(fresh)?.value, 7n);
      assert.deepEqual(re.getUndo(re.tip.hash), { txs: [{ spent: [spent] }] });
      const again = await re.recomputeStats();
      assert.equal(bytesToHex(again.muhash.finalize()), running.mh);
      assert.equal(again.txouts, running.n);
      assert.equal(again.amount, running.a);
      re.popTip();
      assert.equal(re.height, 1);
      await re.close();
    });

    test('a chainstate of another network is refused', async () => {
      const path = join(tmp.path, `b-${backend}`);
      const cs = await Chainstate.open({ path, params, backend, cacheBytes: 1 << 20 });
      await cs.flush();
      await cs.close();
      await assert.rejects(
        Chainstate.open({ path, params: networks.main, backend, cacheBytes: 1 << 20 }),
        (e) => e instanceof ChainstateError && /belongs to network regtest/.test(e.message),
      );
    });

    test('unflushed changes are not in the database (a crash loses them, atomically)', async () => {
      const path = join(tmp.path, `c-${backend}`);
      const cs = await Chainstate.open({ path, params, backend, cacheBytes: 1 << 20 });
      const o = { txid: new Uint8Array(32).fill(9), vout: 1 };
      cs.cache.add(
        o,
        { value: 5n, scriptPubKey: new Uint8Array(0), height: 1, coinbase: false },
        false,
      );
      cs.pushTip(
        { hash: new Uint8Array(32).fill(1), header: hdr(params.genesisHash, 1) },
        { txs: [] },
      );
      await cs.close(); // no flush
      const re = await Chainstate.open({ path, params, backend, cacheBytes: 1 << 20 });
      assert.equal(re.height, 0);
      assert.equal(re.cache.get(o), undefined);
      assert.equal(re.stats.txouts, 0);
      await re.close();
    });
  });
}
