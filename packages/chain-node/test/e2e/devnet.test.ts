import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '@keel/api';
import {
  ChainStore,
  createSnapshot,
  Devnet,
  defaultCodecLimits,
  loadGenesis,
  loadSnapshot,
  Network,
  PeerManager,
  parseGenesisFile,
} from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger } from '@keel/ledger';
import { tempDir } from '@keel/test-utils';
import { hexToBytes } from '@keel/util';

const KEEL_BIN = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;

/**
 * The acceptance test of issue [H], bounded for CI: four `keel chain run` processes on loopback
 * finalize 100+ blocks under a transfer load and agree on every hash and state root; a killed
 * validator restarts and catches up; a partitioned node heals; a garbage-sending peer is banned;
 * the RPC answers under concurrent load.
 */
describe('devnet acceptance (4 validator processes)', { timeout: 240_000 }, () => {
  const dir = tempDir('keel-devnet-e2e-');
  let devnet: Devnet;

  before(async () => {
    devnet = new Devnet({
      dir: dir.path,
      validators: 4,
      chainId: 'keel-e2e',
      command: [process.execPath, KEEL_BIN, 'chain', 'run'],
      blockTimeMs: 100,
      baseTimeoutMs: 800,
      syncIntervalMs: 2000,
      seed: new Uint8Array(randomBytes(32)),
      bls: await loadBlsBackend('blst'),
      accounts: 8,
      adminToken: 'e2e-admin-token',
    });
    await devnet.setup();
    devnet.startAll();
    await devnet.waitReady(60_000);
  });

  /**
   * No validator holds another (honest) one banned: restarts and partitions drop streams
   * mid-flight, which must not cost a peer its reputation. A ban between two of the three
   * nodes left during a partition would stall the chain with no quorum's worth of links.
   */
  const assertNoValidatorBanned = async (when: string) => {
    const ids = new Map(devnet.nodes.map((n) => [n.peerId, n.index]));
    for (const n of devnet.nodes) {
      const peers = await n.client.call('net_peers', {});
      for (const p of peers) {
        assert.ok(
          !(p.banned && ids.has(p.id)),
          `${when}: validator ${n.index} banned validator ${ids.get(p.id)} (score ${p.score})`,
        );
      }
    }
  };

  after(async () => {
    await devnet?.stop();
    dir.cleanup();
  });

  it('finalizes 100 blocks under load with every node agreeing on hashes and state roots', async () => {
    await devnet.startLoad(100);
    await devnet.waitForHeight(100, 120_000);
    devnet.load?.stop();
    const s = await devnet.summary(100);
    assert.equal(s.validators, 4);
    assert.equal(s.finalized, 100);
    assert.equal(s.agree, true, 'block hashes agree');
    assert.equal(s.stateRootsAgree, true, 'state roots agree');
    assert.ok(s.txCommitted > 0, 'transactions were committed');
  });

  it('answers JSON-RPC under concurrent load, with precise errors for bad params', async () => {
    const c = devnet.nodes[0]!.client;
    const address = devnet.init.accounts[0]!.address;
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0
        ? c.call('consensus_getStatus', {})
        : i % 3 === 1
          ? c.call('chain_getBlockByHeight', { height: 1 + (i % 50) })
          : c.call('state_getAccount', { address }),
    );
    const res = await Promise.all(calls);
    assert.equal(res.length, 200);
    for (const r of res) assert.ok(r !== null);
    await assert.rejects(c.call('chain_getBlockByHeight', { height: -1 } as never), (e: Error) =>
      /invalid params: height/.test(e.message),
    );
    await assert.rejects(
      createHttpClient({ url: devnet.nodes[0]!.rpcUrl }).call('admin_setPartitioned', {
        partitioned: true,
      }),
      /admin token/,
    );
  });

  it('restarts a killed validator, which catches up and agrees', async () => {
    await devnet.kill(3);
    const s = await devnet.statuses();
    const h = Math.max(...s.map((x) => x?.committedHeight ?? 0));
    await devnet.waitForHeight(h + 10, 60_000, undefined, [0, 1, 2]);
    devnet.startNode(3);
    await devnet.waitReady(30_000);
    await devnet.waitForHeight(h + 15, 90_000);
    const sum = await devnet.summary(h + 15);
    assert.equal(sum.agree, true);
    assert.equal(sum.stateRootsAgree, true);
    await assertNoValidatorBanned('after a validator crashed and restarted');
  });

  it('snapshots a stopped node and loads it elsewhere, verified by certified blocks', async () => {
    await devnet.kill(1, 'SIGTERM');
    const snap = await createSnapshot(devnet.nodes[1]!.dir);
    devnet.startNode(1);
    const bls = await loadBlsBackend('blst');
    const genesis = loadGenesis(
      parseGenesisFile(JSON.parse(readFileSync(devnet.init.genesisPath, 'utf8'))),
      bls,
      createLedger(),
    );
    const c = devnet.nodes[0]!.client;
    await devnet.waitForHeight(snap.height + 2, 60_000, undefined, [0]);
    const fresh = tempDir('keel-snapshot-');
    try {
      const fetchBlock = async (height: number) => {
        const b = await c.call('chain_getBlockByHeight', { height, raw: true });
        return b?.raw ? hexToBytes(b.raw) : null;
      };
      const m = await loadSnapshot(fresh.path, snap.dir, genesis, bls, fetchBlock);
      const ref = await c.call('chain_getBlockByHeight', { height: m.height });
      assert.equal(m.stateRoot, ref!.stateRoot, 'snapshot root is the network root at h');
      const store = new ChainStore(join(fresh.path, 'db'));
      assert.deepEqual(store.committed(), { height: m.height, hash: ref!.hash });
      await store.close();
      // A tampered chunk fails the root check.
      const bad = tempDir('keel-snapshot-bad-');
      writeFileSync(join(snap.dir, 'chunk-0.bin'), new Uint8Array([1, 2, 3]));
      await assert.rejects(loadSnapshot(bad.path, snap.dir, genesis, bls, fetchBlock));
      bad.cleanup();
    } finally {
      fresh.cleanup();
    }
    await devnet.waitReady(30_000);
    const now = Math.max(...(await devnet.statuses()).map((x) => x?.committedHeight ?? 0));
    await devnet.waitForHeight(now + 5, 90_000);
    await assertNoValidatorBanned('after a validator stopped and restarted');
  });

  it('heals a partitioned node', async () => {
    const victim = devnet.nodes[2]!.client;
    await victim.call('admin_setPartitioned', { partitioned: true });
    const before = (await victim.call('consensus_getStatus', {})).committedHeight;
    await devnet.waitForHeight(before + 15, 60_000, undefined, [0, 1, 3]);
    const stuck = (await victim.call('consensus_getStatus', {})).committedHeight;
    assert.ok(stuck <= before + 2, `partitioned node kept committing (${before} → ${stuck})`);
    await victim.call('admin_setPartitioned', { partitioned: false });
    const s = await devnet.statuses();
    const target = Math.max(...s.map((x) => x?.committedHeight ?? 0));
    await devnet.waitForHeight(target, 90_000);
    const sum = await devnet.summary(target);
    assert.equal(sum.agree, true);
    await assertNoValidatorBanned('after the partition healed');
  });

  it('bans a peer that sends garbage', async () => {
    const bls = await loadBlsBackend('blst');
    const genesis = loadGenesis(
      parseGenesisFile(JSON.parse(readFileSync(devnet.init.genesisPath, 'utf8'))),
      bls,
      createLedger(),
    );
    const target = devnet.nodes[0]!;
    const addr = `/ip4/127.0.0.1/tcp/${target.p2pPort}/p2p/${target.peerId}`;
    const evil = new Network({
      nodeKeySeed: new Uint8Array(randomBytes(32)),
      host: '127.0.0.1',
      port: 0,
      staticPeers: [addr],
      chainId: genesis.file.chainId,
      genesisHash: genesis.hash,
      validator: -1,
      signHello: () => new Uint8Array(0),
      verifyBls: () => false,
      validators: genesis.validators,
      peers: new PeerManager(),
      limits: defaultCodecLimits,
      maxMessageBytes: 1 << 20,
      handlers: {
        onConsensus() {},
        onTx() {},
        onSyncRequest: () => new Uint8Array(0),
        committedHeight: () => 0,
      },
    });
    try {
      await evil.start();
      const deadline = Date.now() + 30_000;
      let banned = false;
      while (!banned && Date.now() < deadline) {
        if (evil.connectedPeers().includes(target.peerId)) {
          await evil.rawSend(target.peerId, new Uint8Array(randomBytes(200)));
        }
        const peers = await target.client.call('net_peers', {});
        banned = peers.some((p) => p.id === evil.peerId && p.banned);
        if (!banned) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(banned, 'garbage-sending peer was banned');
      const peers = await target.client.call('net_peers', {});
      const me = peers.find((p) => p.id === evil.peerId)!;
      assert.ok(me.score < -50);
    } finally {
      await evil.stop();
    }
  });
});
