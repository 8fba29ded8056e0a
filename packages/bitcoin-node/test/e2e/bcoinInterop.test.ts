import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  type Block,
  encodeBlock,
  encodeTransaction,
  hashToHex,
  type Transaction,
  txid,
} from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
// @ts-expect-error a plain .mjs script (no types)
import { ensureBcoin } from '../../scripts/build-bcoin.mjs';
import { BitcoinNode } from '../../src/node/node.ts';
import { backend, baseChain, retime } from '../fixtures/chains.ts';

const bcoinDir = (ensureBcoin as (o?: object) => string | undefined)({
  log: (m: string) => process.stderr.write(`# ${m}\n`),
});
const SKIP = bcoinDir ? false : 'bcoin copy absent (../shared/peers/bcoin): interop not run';
const tmp = tempDir('keel-bcoin-');
const procs: ChildProcess[] = [];
const nodes: BitcoinNode[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  tmp.cleanup();
});

interface Bcoin {
  port: number;
  call(method: string, params?: unknown[]): Promise<unknown>;
}

async function startBcoin(name: string, extra: string[] = []): Promise<Bcoin> {
  const [port, http] = [await freePort(), await freePort()];
  const key = 'keel-interop';
  const proc = spawn(
    process.execPath,
    [
      join(bcoinDir!, 'bin', 'node'),
      '--network=regtest',
      `--prefix=${join(tmp.path, name)}`,
      '--listen',
      `--port=${port}`,
      `--http-port=${http}`,
      `--api-key=${key}`,
      '--workers=false',
      '--log-level=warning',
      '--no-wallet',
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  proc.stderr!.resume();
  procs.push(proc);
  const call = async (method: string, params: unknown[] = []) => {
    const r = await fetch(`http://127.0.0.1:${http}/`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
      body: JSON.stringify({ method, params, id: 1 }),
    });
    const j = (await r.json()) as { result: unknown; error: { message: string } | null };
    if (j.error) throw new Error(`bcoin ${method}: ${j.error.message}`);
    return j.result;
  };
  await until(`bcoin ${name} RPC`, async () => (await call('getblockcount')) !== undefined);
  return { port, call };
}

async function until(
  what: string,
  cond: () => Promise<boolean> | boolean,
  ms = 60_000,
): Promise<void> {
  const t = Date.now();
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not up yet
    }
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function keel(name: string, connect: string[]): Promise<{ n: BitcoinNode; port: number }> {
  const port = await freePort();
  const n = new BitcoinNode({
    network: 'regtest',
    datadir: join(tmp.path, name),
    port,
    bind: '127.0.0.1',
    connect,
    rpc: false,
    secp: backend,
    // bcoin speaks v1 only
    v2transport: false,
    retryMs: 500,
  });
  await n.start();
  nodes.push(n);
  return { n, port };
}

/** bcoin verifies no taproot (its mempool refuses witness v1 spends as non-standard). */
function spendsNoTaproot(tx: Transaction): boolean {
  return tx.inputs.every(
    (i) => i.witness.length !== 1 && !(i.witness.length === 3 && i.witness[0]!.length === 64),
  );
}

const hex = (b: Uint8Array) => bytesToHex(b);
// 101 mature coinbases, then 100 blocks of real signed spends of every output kind, and one
// more block (mined on a fork of the wallet) whose transactions are relayed before it is
const chain = baseChain(100, 11);
const next = chain.fork('relay');
const relayBlockRaw = next.mine({ txs: 12, inputs: 1 });
const timed = retime([...chain.blocks, relayBlockRaw], Math.floor(Date.now() / 1000) - 3600);
const blocks = timed.slice(0, -1);
const relayBlock = timed.at(-1)!;
/** Spends of coins confirmed by then, for the compact-block round (bcoin mines them). */
const later = next.mine({ txs: 12, inputs: 1 }).txs.slice(1).filter(spendsNoTaproot);

test(
  'keel and bcoin on regtest: sync both ways (201+ blocks of signed spends), transactions relay both ways, compact blocks both ways',
  { skip: SKIP, timeout: 170_000 },
  async () => {
    const b1 = await startBcoin('bcoin1');
    for (const b of blocks) {
      const r = await b1.call('submitblock', [hex(encodeBlock(b))]);
      assert.equal(r, null, `bcoin refused block: ${String(r)}`);
    }
    assert.equal(await b1.call('getblockcount'), 201);
    // keel syncs bcoin's chain
    const k = await keel('keel', [`127.0.0.1:${b1.port}`]);
    await until('keel synced from bcoin', () => k.n.chain.height === 201, 90_000);
    assert.equal(hashToHex(k.n.chain.tip.hash), await b1.call('getbestblockhash'));

    // transactions: pick signed spends bcoin's policy takes (no taproot inputs)
    const block: Block = relayBlock;
    const txs = block.txs.slice(1).filter(spendsNoTaproot);
    assert.ok(txs.length >= 2 && later.length >= 2, 'non-taproot spends to relay');
    // keel → bcoin
    const t1 = txs[0]!;
    assert.ok(k.n.mempool.accept(t1).ok);
    k.n.peers!.relayTransaction(t1);
    await until('bcoin has keel tx', async () =>
      ((await b1.call('getrawmempool')) as string[]).includes(hashToHex(txid(t1))),
    );
    // bcoin → keel
    const t2 = txs[1]!;
    assert.equal(
      await b1.call('sendrawtransaction', [hex(encodeTransaction(t2))]),
      hashToHex(txid(t2)),
    );
    await until('keel has bcoin tx', () => k.n.mempool.get(hex(txid(t2))) !== undefined);

    // a block keel accepts is announced to bcoin, which fetches and connects it
    await k.n.chain.acceptBlock(block, { requested: true });
    await until('bcoin at 202', async () => (await b1.call('getblockcount')) === 202);
    assert.equal(await b1.call('getbestblockhash'), hashToHex(k.n.chain.tip.hash));
    assert.equal(k.n.mempool.size, 0);
    // bcoin asked for that block compact (it got our sendcmpct): keel served a cmpctblock
    const served = k.n.peers!.compactStats;
    assert.ok(served.bytesCompactSent > 0 && served.bytesCompactSent < served.bytesFullEquivalent);

    // BIP152 the other way: bcoin mines two pool transactions (one relayed from each side); keel
    // rebuilds the compact block from its own pool without a getblocktxn round trip
    const [t3, t4] = [later[0]!, later[1]!];
    assert.ok(k.n.mempool.accept(t3).ok);
    k.n.peers!.relayTransaction(t3);
    assert.equal(
      await b1.call('sendrawtransaction', [hex(encodeTransaction(t4))]),
      hashToHex(txid(t4)),
    );
    await until('both pools hold both', async () => {
      const pool = (await b1.call('getrawmempool')) as string[];
      return pool.length === 2 && k.n.mempool.size === 2;
    });
    const before = k.n.peers!.compactStats.withoutRoundTrip;
    await b1.call('generatetoaddress', [1, 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080']);
    await until('keel at 203', () => k.n.chain.height === 203);
    assert.equal(hashToHex(k.n.chain.tip.hash), await b1.call('getbestblockhash'));
    assert.equal(k.n.peers!.compactStats.withoutRoundTrip, before + 1);
    assert.equal(k.n.peers!.compactStats.withRoundTrip, 0);
    assert.equal(k.n.mempool.size, 0);

    // a fresh bcoin syncs keel's whole chain from keel alone
    const b2 = await startBcoin('bcoin2', [`--only=127.0.0.1:${k.port}`]);
    await until(
      'bcoin2 synced from keel',
      async () => (await b2.call('getblockcount')) === 203,
      90_000,
    );
    assert.equal(await b2.call('getbestblockhash'), hashToHex(k.n.chain.tip.hash));
  },
);
