import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeBlock, encodeTransaction, hashToHex, type Transaction, txid } from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
// @ts-expect-error a plain .mjs script (no types)
import { ensureBcoin } from '../../scripts/build-bcoin.mjs';
import { BitcoinNode } from '../../src/node/node.ts';
import { backend, baseChain, retime } from '../fixtures/chains.ts';

// BIP330 end to end: three keel nodes on loopback negotiate Erlay (sendtxrcncl before verack)
// and relay by reconciliation only (fanout 0, so nothing reaches a keel peer by flooding); a
// bcoin node, which does not speak BIP330, is connected to one of them and still gets every
// transaction by flooding (and its own transaction reaches every keel node).

const bcoinDir = (ensureBcoin as (o?: object) => string | undefined)({
  log: (m: string) => process.stderr.write(`# ${m}\n`),
});
const SKIP = bcoinDir ? false : 'bcoin copy absent (../shared/peers/bcoin): Erlay e2e not run';
const tmp = tempDir('keel-erlay-');
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

async function keel(
  name: string,
  connect: string[],
  v2 = true,
): Promise<{ n: BitcoinNode; port: number }> {
  const port = await freePort();
  const n = new BitcoinNode({
    network: 'regtest',
    datadir: join(tmp.path, name),
    port,
    bind: '127.0.0.1',
    connect,
    rpc: false,
    secp: backend,
    v2transport: v2,
    retryMs: 500,
    // every transaction to a keel peer goes by reconciliation; a request every 500 ms (the
    // default 2 s works the same, slower)
    erlay: { fanoutOutbound: 0, fanoutInboundFraction: 0, intervalMs: 500 },
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
const chain = baseChain(6, 23);
const relay = chain.fork('relay').mine({ txs: 16, inputs: 1 });
const blocks = retime([...chain.blocks], Math.floor(Date.now() / 1000) - 3600);
const txs = relay.txs.slice(1).filter(spendsNoTaproot);

test(
  'Erlay: three keel nodes relay by reconciliation (sketches, reconcildiff), a bcoin peer still gets every transaction by flooding',
  { skip: SKIP, timeout: 150_000 },
  async () => {
    assert.ok(txs.length >= 9, `${txs.length} non-taproot spends`);
    const bc = await startBcoin('bcoin');
    for (const b of blocks) assert.equal(await bc.call('submitblock', [hex(encodeBlock(b))]), null);
    // a ← b, a ← c, b ← c (arrows: who dialled); a also dials bcoin
    // a speaks v1 (bcoin has no BIP324); b and c try v2 with it, fall back to v1, and talk v2 together
    const a = await keel('a', [`127.0.0.1:${bc.port}`], false);
    const b = await keel('b', [`127.0.0.1:${a.port}`]);
    const c = await keel('c', [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    const all = [a.n, b.n, c.n];
    for (const n of all)
      for (const blk of blocks) await n.chain.acceptBlock(blk, { requested: true });
    await until('keel links', () => all.every((n) => n.peers!.erlayStats!.peers === 2));
    await until('bcoin link', () => a.n.peers!.connectionCount().outbound === 1);
    // bcoin never sent sendtxrcncl: a floods to it
    assert.equal(a.n.peers!.erlayStats!.peers, 2);

    // three transactions enter a, three enter c at the same time (so a–c rounds see
    // differences both ways), one enters bcoin
    const fromA = txs.slice(0, 3);
    const fromC = txs.slice(3, 6);
    const fromBcoin = txs[6]!;
    for (const tx of fromA) {
      assert.ok(a.n.mempool.accept(tx).ok);
      a.n.peers!.relayTransaction(tx);
    }
    for (const tx of fromC) {
      assert.ok(c.n.mempool.accept(tx).ok);
      c.n.peers!.relayTransaction(tx);
    }
    assert.equal(
      await bc.call('sendrawtransaction', [hex(encodeTransaction(fromBcoin))]),
      hashToHex(txid(fromBcoin)),
    );
    const everyTx = [...fromA, ...fromC, fromBcoin];
    for (const [i, n] of all.entries()) {
      await until(`keel node ${i} has all ${everyTx.length}`, () =>
        everyTx.every((tx) => n.mempool.get(hex(txid(tx))) !== undefined),
      );
    }
    await until('bcoin has all', async () => {
      const pool = new Set((await bc.call('getrawmempool')) as string[]);
      return everyTx.every((tx) => pool.has(hashToHex(txid(tx))));
    });

    // one more each into a and c in the same turn: the next rounds see a small difference on
    // both sides, which the first sketch (or its extension) decodes
    const before = all.reduce((t, n) => t + n.peers!.erlayStats!.roundsSucceeded, 0);
    const late = [txs[7]!, txs[8]!];
    assert.ok(a.n.mempool.accept(late[0]!).ok);
    assert.ok(c.n.mempool.accept(late[1]!).ok);
    a.n.peers!.relayTransaction(late[0]!);
    c.n.peers!.relayTransaction(late[1]!);
    everyTx.push(...late);
    for (const [i, n] of all.entries()) {
      await until(`keel node ${i} has the late two`, () =>
        late.every((tx) => n.mempool.get(hex(txid(tx))) !== undefined),
      );
    }
    const s = all.map((n) => n.peers!.erlayStats!);
    const sum = (f: (x: (typeof s)[number]) => number) => s.reduce((t, x) => t + f(x), 0);
    // nothing went to a keel peer by flooding: every keel-to-keel announcement came out of a
    // reconciliation round (each of the 7 transactions reached 2 keel nodes that way)
    assert.equal(
      sum((x) => x.floodedToReconcilingPeers),
      0,
    );
    assert.ok(sum((x) => x.announcedByReconciliation) >= 2 * everyTx.length - 1);
    // sketches went both ways of the protocol and at least one round decoded a real difference
    assert.ok(sum((x) => x.sketchesSent) >= 2);
    assert.equal(
      sum((x) => x.sketchesSent),
      sum((x) => x.sketchesReceived),
    );
    assert.ok(sum((x) => x.reconcildiffSent) >= 2);
    assert.ok(sum((x) => x.roundsSucceeded) > before, JSON.stringify(s));
    // only the outbound side asks: b and c initiate, a (two inbound keel peers) only responds
    assert.equal(s[0]!.reqreconSent, 0);
    assert.ok(s[0]!.sketchesSent >= 1 && s[0]!.reconcildiffReceived >= 1);
    process.stderr.write(`# erlay stats ${JSON.stringify(s)}\n`);
  },
);
