import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeAuxPow, verifyAuxPow, verifyLedgerExport } from '@keel/stratum';
import { tempDir } from '@keel/test-utils';
import { MergeMiningCoordinator, parseAuxBlock } from '../../src/merge/coordinator.ts';
import { Miner } from '../../src/miner/miner.ts';
import { startPool, waitFor } from '../support/fixtures.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

/**
 * A secondary chain speaking Namecoin's createauxblock/submitauxblock: each aux block is a fresh
 * random hash; a submission is checked with the AuxPoW verifier (CAuxPow::check's rules) and the
 * chain's target, then a new aux block is handed out.
 */
async function auxNode(chainId: number, targetExp: bigint, reward: number) {
  let hash = randomBytes(32).toString('hex');
  let height = 100;
  const accepted: string[] = [];
  const verdicts: unknown[] = [];
  // every aux block handed out; a submission for an older one (submissions run concurrently,
  // so a second solution can arrive after the first rotated the block) is refused as stale,
  // as a real node refuses an unknown block hash
  const issued = new Set<string>([hash]);
  let stale = 0;
  const target = 1n << targetExp;
  const le = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) le[i] = Number((target >> BigInt(8 * i)) & 0xffn);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { id, method, params } = JSON.parse(body);
      let result: unknown = null;
      if (method === 'createauxblock') {
        assert.equal(params[0], 'payout-addr');
        result = {
          hash,
          chainid: chainId,
          previousblockhash: '00'.repeat(32),
          coinbasevalue: reward,
          bits: '207fffff',
          height,
          _target: le.toString('hex'),
        };
      } else if (method === 'submitauxblock' && params[0] !== hash) {
        assert.ok(issued.has(params[0]), 'submitted an aux block that was never handed out');
        stale++;
        result = false;
      } else if (method === 'submitauxblock') {
        const auxpow = decodeAuxPow(new Uint8Array(Buffer.from(params[1], 'hex')));
        const v = verifyAuxPow(auxpow, {
          auxBlockHash: new Uint8Array(Buffer.from(hash, 'hex')).reverse(),
          chainId,
          target,
        });
        verdicts.push(v);
        result = v.ok;
        if (v.ok) {
          accepted.push(hash);
          hash = randomBytes(32).toString('hex');
          issued.add(hash);
          height++;
        }
      }
      res.end(JSON.stringify({ id, result, error: null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    accepted,
    verdicts,
    stale: () => stale,
  };
}

test(
  'merge mining: AuxPoWs for two secondary chains verify; per-chain stats; the ledger splits 60/25/10/5',
  { timeout: 60_000 },
  async () => {
    const nmc = await auxNode(1, 252n, 5_000_000_000);
    const other = await auxNode(0x1000, 251n, 1_000_000);
    const dir = tempDir();
    stops.push(dir.cleanup);
    const ledgerFile = join(dir.path, 'ledger.json');
    const mm = new MergeMiningCoordinator({
      chains: [
        { name: 'namecoin', url: nmc.url, address: 'payout-addr', chainId: 1 },
        { name: 'other', url: other.url, address: 'payout-addr' },
      ],
      pollMs: 500,
      ledgerFile,
    });
    await mm.start();
    stops.push(() => mm.stop());
    const { pool, id } = await startPool({ initialTarget: 1n << 246n, mergeMining: mm });
    stops.push(() => pool.stop());
    const miner = new Miner({
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
      channel: 'extended',
    });
    await miner.start();
    stops.push(() => miner.stop());
    await waitFor(
      () => nmc.accepted.length >= 2 && other.accepted.length >= 1,
      40_000,
      'aux blocks on both chains',
    );
    await miner.stop();
    assert.ok(
      nmc.verdicts.every((v) => (v as { ok: boolean }).ok),
      JSON.stringify(nmc.verdicts),
    );
    const stats = mm.stats();
    const s = stats.find((x) => x.name === 'namecoin')!;
    assert.equal(s.chainId, 1);
    // every AuxPoW that reached verification passed; refusals are only stale-block races
    assert.ok(s.accepted >= 2 && s.rejected === nmc.stale(), JSON.stringify(s));
    assert.equal(stats.find((x) => x.name === 'other')!.chainId, 0x1000);
    const exported = JSON.parse(readFileSync(ledgerFile, 'utf8'));
    assert.deepEqual(verifyLedgerExport(exported), { ok: true });
    const first = exported.entries.find((e: { chain: string }) => e.chain === 'namecoin');
    assert.deepEqual(first.split, {
      core: '3000000000',
      grants: '1250000000',
      audits: '500000000',
      ops: '250000000',
    });
  },
);

test('createauxblock results are checked', () => {
  const ok = {
    hash: 'ab'.repeat(32),
    chainid: 1,
    coinbasevalue: 5,
    height: 3,
    _target: `${'00'.repeat(31)}7f`,
  };
  assert.equal(parseAuxBlock(ok).target, 0x7fn << 248n);
  assert.throws(() => parseAuxBlock({ ...ok, hash: 'xyz' }), { code: 'ERR_STRATUM_NODE_RPC' });
  assert.throws(() => parseAuxBlock({ ...ok, _target: '00'.repeat(32) }), /zero/);
  assert.throws(() => parseAuxBlock({ ...ok, chainid: -1 }), /chainid/);
  assert.throws(() => parseAuxBlock('nope'), /not an object/);
});
