import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hashToHex } from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { BitcoinNode } from '../../src/node/node.ts';
import { backend } from '../fixtures/chains.ts';

// The pool and miner are keel's Stratum V2 processes (packages/stratum-node, through the CLI):
// this package may not import stratum-node, so they meet over getblocktemplate/submitblock.
const KEEL = fileURLToPath(new URL('../../../cli/bin/keel.js', import.meta.url));
const tmp = tempDir('keel-sv2-');
const children: ChildProcess[] = [];
let node: BitcoinNode | undefined;
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await node?.stop();
  tmp.cleanup();
});

function run(args: string[]) {
  const c = spawn(process.execPath, [KEEL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stdout!.on('data', (d) => {
    out += d;
  });
  c.stderr!.on('data', (d) => {
    err += d;
  });
  children.push(c);
  const done = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
  return { c, done, out: () => out, err: () => err };
}

test(
  'the Stratum V2 pool mines on the node through getblocktemplate; found blocks land in its chain',
  { timeout: 150_000 },
  async () => {
    const rpcPort = await freePort();
    node = new BitcoinNode({
      network: 'regtest',
      datadir: join(tmp.path, 'node'),
      listen: false,
      rpc: { port: rpcPort },
      secp: backend,
    });
    await node.start();
    const cookie = join(tmp.path, 'node', 'regtest', '.cookie');
    const poolPort = await freePort();
    const poolDir = join(tmp.path, 'pool');
    // P2WSH(OP_TRUE) payout, as the pool's regtest default
    const payout = '0020' + '4ae81572f06e1b88fd5ced7a1a000945432e83e1551e6f721ee9c00b8cc33260';
    const pool = run([
      'stratum',
      'pool',
      '--rpc-url',
      `http://127.0.0.1:${rpcPort}`,
      '--rpc-cookie',
      cookie,
      '--rpc-poll-ms',
      '200',
      '--payout-script',
      payout,
      '--share-difficulty',
      '0.00002',
      '--datadir',
      poolDir,
      '--listen',
      `127.0.0.1:${poolPort}`,
      '--exit-after-blocks',
      '2',
      '--json',
      '--log-level',
      'warn',
    ]);
    const pub = join(poolDir, 'authority.pub');
    const t0 = Date.now();
    while (!(existsSync(pub) && readFileSync(pub, 'utf8').trim().length === 64)) {
      if (Date.now() - t0 > 60_000) assert.fail(`no authority.pub: ${pool.err()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    run([
      'stratum',
      'miner',
      '--pool',
      `127.0.0.1:${poolPort}`,
      '--authority-key',
      `@${pub}`,
      '--threads',
      '1',
      '--log-level',
      'error',
    ]);
    assert.equal(await pool.done, 0, pool.err());
    const summary = JSON.parse(pool.out().trim()) as {
      blocksFound: number;
      tipHash: string;
      tipHeight: number;
    };
    assert.equal(summary.blocksFound, 2);
    assert.equal(node.chain.height, 2);
    assert.equal(hashToHex(node.chain.tip.hash), summary.tipHash);
    // the coinbase pays the pool's payout script
    const block = node.chain.readBlock(node.chain.tip);
    assert.equal(Buffer.from(block.txs[0]!.outputs[0]!.scriptPubKey).toString('hex'), payout);
  },
);
