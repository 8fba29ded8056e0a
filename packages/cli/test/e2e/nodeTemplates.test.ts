// Issue 21 item 4: Stratum V2 templates from keel's own Bitcoin node. `keel bitcoin node
// --tdp-listen` serves Template Distribution from its chain and mempool; `keel stratum pool
// --tdp` takes its templates; `keel stratum miner` mines. A transaction sent to the node's
// mempool (a real signed spend) must be in a block the pool's miner found, and the node's chain
// must carry those blocks.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  encodeTransaction,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
} from '@keel/bitcoin';
import { RegtestKeys } from '@keel/bitcoin-node';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { freePort, spawnCollect, tempDir, waitUntil } from '@keel/test-utils';
import { bytesToHex, hexToBytes, SeededRng } from '@keel/util';

const KEEL = new URL('../../bin/keel.js', import.meta.url).pathname;
const procs: ChildProcess[] = [];
const dirs: Array<() => void> = [];
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs) d();
});

const run = (args: string[]) => {
  const c = spawnCollect(process.execPath, [KEEL, ...args]);
  procs.push(c.proc);
  return c;
};

test(
  'keel bitcoin node --tdp-listen feeds keel stratum pool --tdp; mined blocks carry the mempool',
  { timeout: 120_000 },
  async () => {
    const nodeDir = tempDir('keel-tdp-node-');
    const poolDir = tempDir('keel-tdp-pool-');
    dirs.push(nodeDir.cleanup, poolDir.cleanup);
    const [rpcPort, tdpPort, poolPort] = [await freePort(), await freePort(), await freePort()];
    const node = run([
      'bitcoin',
      'node',
      '--network',
      'regtest',
      '--datadir',
      nodeDir.path,
      '--port',
      '0',
      '--rpcport',
      String(rpcPort),
      '--tdp-listen',
      `127.0.0.1:${tdpPort}`,
      '--log-level',
      'warn',
    ]);
    const cookiePath = join(nodeDir.path, 'regtest', '.cookie');
    const pub = join(nodeDir.path, 'regtest', 'sv2', 'authority.pub');
    await waitUntil(
      () => existsSync(cookiePath) && existsSync(pub),
      30_000,
      `node start: ${node.err()}`,
    );
    const cookie = readFileSync(cookiePath, 'utf8').trim();
    const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
      const r = await fetch(`http://127.0.0.1:${rpcPort}`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(cookie).toString('base64')}` },
        body: JSON.stringify({ method, params, id: 1 }),
      });
      const j = (await r.json()) as { result: unknown; error: { message: string } | null };
      if (j.error) throw new Error(`${method}: ${j.error.message}`);
      return j.result;
    };

    // a mature coinbase and a signed spend of it in the node's mempool
    const keys = new RegtestKeys(await loadSecp256k1Backend('auto'), new SeededRng('tdp-e2e'), 1);
    const script = keys.scriptPubKey('p2wpkh', 0);
    const hashes = (await rpc('generatetoaddress', [
      101,
      scriptToAddress(script, regtestAddressParams),
    ])) as string[];
    const b1 = (await rpc('getblock', [hashes[0], 2])) as {
      tx: Array<{ txid: string; vout: Array<{ value: number }> }>;
    };
    const value = BigInt(Math.round(b1.tx[0]!.vout[0]!.value * 1e8));
    const tx: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: { txid: hexToBytes(b1.tx[0]!.txid).reverse(), vout: 0 },
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [],
        },
      ],
      outputs: [{ value: value - 20_000n, scriptPubKey: script }],
      locktime: 0,
    };
    keys.sign(tx, [{ value, scriptPubKey: script, kind: 'p2wpkh', slot: 0 }]);
    const txid = (await rpc('sendrawtransaction', [bytesToHex(encodeTransaction(tx))])) as string;

    const pool = run([
      'stratum',
      'pool',
      '--tdp',
      `127.0.0.1:${tdpPort}`,
      '--tdp-authority-key',
      `@${pub}`,
      '--payout-script',
      '51',
      '--datadir',
      poolDir.path,
      '--listen',
      `127.0.0.1:${poolPort}`,
      // share target ≈ 2^240, the --regtest pool's default (regtest's block target is 2^255)
      '--share-difficulty',
      '0.00002',
      '--exit-after-blocks',
      '2',
      '--json',
      '--log-level',
      'warn',
    ]);
    const poolPub = join(poolDir.path, 'authority.pub');
    await waitUntil(
      () => existsSync(poolPub) && readFileSync(poolPub, 'utf8').trim().length === 64,
      30_000,
      'pool authority.pub',
    );
    run([
      'stratum',
      'miner',
      '--pool',
      `127.0.0.1:${poolPort}`,
      '--authority-key',
      `@${poolPub}`,
      '--threads',
      '1',
      '--log-level',
      'error',
    ]);
    const code = await pool.done;
    assert.equal(code, 0, `pool exit: ${pool.err()}`);

    // the node's chain carries the pool's blocks, and the first holds the mempool spend
    await waitUntil(
      async () => ((await rpc('getblockcount')) as number) >= 103,
      20_000,
      'blocks on the node',
    );
    const h102 = (await rpc('getblockhash', [102])) as string;
    const b102 = (await rpc('getblock', [h102, 1])) as { tx: string[] };
    assert.ok(b102.tx.includes(txid), `block 102 carries the spend ${txid}: ${b102.tx}`);
    const cb = (await rpc('getblock', [h102, 2])) as {
      tx: Array<{ vout: Array<{ value: number; scriptPubKey: { hex: string } }> }>;
    };
    const paid = cb.tx[0]!.vout.filter((o) => o.scriptPubKey.hex === '51').reduce(
      (s, o) => s + Math.round(o.value * 1e8),
      0,
    );
    assert.equal(paid, 50e8 + 20_000, 'the pool output takes subsidy + the spend’s fee');
    node.proc.kill('SIGINT');
    assert.equal(await node.done, 0, node.err());
  },
);
