/**
 * Job Declaration end to end. The pool's node (regtest source A) and the miner's own node (B)
 * share a 101-block chain; a transaction only B's mempool holds is the miner's choice. A keel
 * miner behind the JDC mines on B's template: the JDC declares it to the JDS beside the pool
 * (which must fetch the unknown transaction with ProvideMissingTransactions and check that it
 * connects), announces it with SetCustomMiningJob, and forwards shares. The block that results
 * must be on A's chain with that transaction, equal to B's tip, and A's whole chain re-validates.
 * A second JDC pointed at a JDS that is not there keeps its miner on the pool's jobs.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { decodeBlock, type Transaction, txid } from '@keel/bitcoin/primitives';
import { sha256d } from '@keel/crypto/hashes';
import {
  createMiningJob,
  encodeHeader,
  hashToBigInt,
  jobMerkleRoot,
  type NewTemplate,
  type SetNewPrevHash,
  solutionFromShare,
  u256ToTarget,
} from '@keel/stratum';
import { bytesToHex, equalBytes } from '@keel/util';
import { JobDeclaratorClient } from '../../src/jd/client.ts';
import { JobDeclaratorServer } from '../../src/jd/server.ts';
import { Miner } from '../../src/miner/miner.ts';
import { RegtestTemplateSource } from '../../src/template/regtest.ts';
import {
  identity,
  OP_TRUE_P2WSH,
  revalidateChain,
  startPool,
  waitFor,
} from '../support/fixtures.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

/** Mines `n` blocks on `src` directly (no pool), paying P2WSH(OP_TRUE). */
async function premine(src: RegtestTemplateSource, n: number): Promise<void> {
  let t: NewTemplate | undefined;
  let p: SetNewPrevHash | undefined;
  const unsub = src.subscribe(
    { onNewTemplate: (x) => (t = x), onSetNewPrevHash: (x) => (p = x) },
    64,
  );
  for (let i = 0; i < n; i++) {
    const tt = t!;
    const pp = p!;
    const job = createMiningJob({
      jobId: i + 1,
      template: tt,
      poolOutputs: [{ value: tt.coinbaseTxValueRemaining, scriptPubKey: OP_TRUE_P2WSH }],
      extranonceLength: 16,
    });
    const en = new Uint8Array(16);
    const root = jobMerkleRoot(job, en);
    const target = u256ToTarget(pp.target);
    let nonce = 0;
    while (
      hashToBigInt(
        sha256d(encodeHeader(tt.version, pp.prevHash, root, pp.headerTimestamp, pp.nBits, nonce)),
      ) > target
    )
      nonce++;
    const r = await src.submitSolution(
      solutionFromShare(
        job,
        { jobId: job.jobId, nonce, ntime: pp.headerTimestamp, version: tt.version },
        en,
      ),
    );
    assert.ok(r.accepted, r.accepted ? '' : r.reason);
  }
  unsub();
}

test(
  'Job Declaration: a miner mines a block on a transaction it chose; the pool node accepts it',
  { timeout: 150_000 },
  async () => {
    const a = new RegtestTemplateSource();
    const b = new RegtestTemplateSource();
    await premine(a, 101);
    for (const rec of a.chain.slice(1)) {
      const r = await b.submitBlock(rec.block);
      assert.ok(r.accepted, r.accepted ? '' : r.reason);
    }
    assert.ok(equalBytes(a.tip.hash, b.tip.hash));
    // The miner's choice: spend block 1's coinbase (P2WSH(OP_TRUE)), only in B's mempool.
    const cb1 = decodeBlock(a.chain[1]!.block).txs[0]!;
    const spend: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: { txid: txid(cb1), vout: 0 },
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [Uint8Array.of(0x51)],
        },
      ],
      outputs: [{ value: cb1.outputs[0]!.value - 10_000n, scriptPubKey: OP_TRUE_P2WSH }],
      locktime: 0,
    };
    b.addTransaction(spend);
    assert.equal(a.transactionByWtxid(new Uint8Array(32)), undefined);

    const poolId = identity();
    const jds = new JobDeclaratorServer({
      identity: poolId,
      mempool: a,
      payoutScript: OP_TRUE_P2WSH,
    });
    await jds.start();
    stops.push(() => jds.stop());
    const { pool } = await startPool({
      identity: poolId,
      provider: a,
      initialTarget: 1n << 240n,
      customJobs: jds,
    });
    stops.push(() => pool.stop());

    const jdc = new JobDeclaratorClient({
      pools: [{ host: '127.0.0.1', port: pool.address.port }],
      jds: jds.address,
      authorityPublicKey: poolId.authorityPublicKey,
      source: b,
      identity: identity(),
    });
    await jdc.start();
    stops.push(() => jdc.stop());
    assert.equal(jdc.mode, 'jd');
    const miner = new Miner({
      host: '127.0.0.1',
      port: jdc.address.port,
      authorityPublicKey: (
        jdc as unknown as { o: { identity: { authorityPublicKey: Uint8Array } } }
      ).o.identity.authorityPublicKey,
      threads: 1,
      user: 'jd.miner',
    });
    stops.push(() => miner.stop());
    await miner.start();

    await waitFor(() => a.tip.height >= 102, 90_000, 'block 102 on the pool node');
    const block102 = decodeBlock(a.chain[102]!.block);
    assert.deepEqual(
      block102.txs.slice(1).map((t) => bytesToHex(txid(t))),
      [bytesToHex(txid(spend))],
      'the block carries the transaction the miner chose',
    );
    assert.ok(jds.jobsDeclared >= 1 && jdc.jobsDeclared >= 1);
    await waitFor(() => b.tip.height >= 102, 10_000, "the miner's node has it too");
    assert.ok(equalBytes(a.chain[102]!.hash, b.chain[102]!.hash));
    const check = revalidateChain(a.chain.map((x) => x.block));
    assert.ok(check.ok, check.reason);
    assert.deepEqual(jds.refused, {});
  },
);

test(
  'JDC fallback: with the JDS unreachable the miner keeps mining the pool jobs',
  { timeout: 90_000 },
  async () => {
    const poolId = identity();
    const poolNode = new RegtestTemplateSource();
    // The pool runs with a JDS that is down (never started): its port has nothing listening.
    const jds = new JobDeclaratorServer({
      identity: poolId,
      mempool: poolNode,
      payoutScript: OP_TRUE_P2WSH,
    });
    const { pool, source } = await startPool({
      identity: poolId,
      provider: poolNode,
      initialTarget: 1n << 240n,
      customJobs: jds,
    });
    stops.push(() => pool.stop());
    // A port with nothing listening on it.
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const own = new RegtestTemplateSource();
    const jdcId = identity();
    const jdc = new JobDeclaratorClient({
      pools: [{ host: '127.0.0.1', port: pool.address.port }],
      jds: { host: '127.0.0.1', port: deadPort },
      authorityPublicKey: poolId.authorityPublicKey,
      source: own,
      identity: jdcId,
      jdsTimeoutMs: 2000,
    });
    await jdc.start();
    stops.push(() => jdc.stop());
    assert.equal(jdc.mode, 'fallback');
    const miner = new Miner({
      host: '127.0.0.1',
      port: jdc.address.port,
      authorityPublicKey: jdcId.authorityPublicKey,
      threads: 1,
      user: 'fb.miner',
    });
    stops.push(() => miner.stop());
    await miner.start();
    await waitFor(() => source.tip.height >= 2, 60_000, 'pool blocks from the fallback miner');
    assert.ok((jdc.upstream.perDownstream.get('fb.miner')?.accepted ?? 0) >= 2);
    assert.equal(own.tip.height, 0, "nothing was mined on the JDC's own template source");
  },
);
