import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultCodecLimits, Network, PeerManager } from '@keel/chain-node';
import { type Logger, nullLogger } from '@keel/util';
import type { Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';

function network(staticPeers: string[], logger: Logger = nullLogger): Network {
  return new Network({
    nodeKeySeed: new Uint8Array(randomBytes(32)),
    host: '127.0.0.1',
    port: 0,
    staticPeers,
    chainId: 'keel-net-test',
    genesisHash: new Uint8Array(32),
    validator: -1,
    signHello: () => new Uint8Array(0),
    verifyBls: () => false,
    validators: [],
    peers: new PeerManager(),
    limits: defaultCodecLimits,
    maxMessageBytes: 1 << 20,
    handlers: {
      onConsensus() {},
      onTx() {},
      onSyncRequest: () => new Uint8Array(0),
      committedHeight: () => 0,
    },
    logger,
  });
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Two real libp2p nodes on loopback. A peer that stops (or restarts) with messages half sent
 * resets those streams; that is the transport's failure, not misbehavior, and must not cost the
 * peer its score (six of them used to get an honest validator banned for 10 minutes).
 */
describe('network scoring of broken streams', { timeout: 60_000 }, () => {
  const peersOf = (n: Network) => (n as unknown as { o: { peers: PeerManager } }).o.peers;
  const libp2pOf = (n: Network) => (n as unknown as { node: Libp2p }).node;

  async function pair() {
    let undecodable = 0;
    const log: Logger = {
      ...nullLogger,
      debug: (_o, msg) => {
        if (msg === 'undecodable consensus message') undecodable++;
      },
      child: () => log,
    };
    const b = network([], log);
    await b.start();
    const a = network([`${b.addrs()[0]}/p2p/${b.peerId}`]);
    await a.start();
    await until('a connection', () => a.connectedPeers().includes(b.peerId), 15_000);
    return { a, b, undecodable: () => undecodable };
  }

  it('does not penalize a peer whose in-flight messages are cut off when it stops', async () => {
    const { a, b, undecodable } = await pair();
    try {
      const node = libp2pOf(a);
      for (let i = 0; i < 6; i++) {
        const s = await node.dialProtocol(peerIdFromString(b.peerId), '/keel/consensus/1.0.0');
        // Three streams carry half a message, three nothing yet; the writer never finishes.
        void s.sink(
          (async function* () {
            if (i % 2 === 0) yield new Uint8Array([1, 2, 3]);
            await new Promise(() => {});
          })(),
        );
      }
      await new Promise((r) => setTimeout(r, 200));
      await a.stop();
      await until('the cut messages to reach b', () => undecodable() >= 3, 15_000);
      await new Promise((r) => setTimeout(r, 2500));
      const info = peersOf(b).get(a.peerId, Date.now());
      assert.equal(info.score, 0, 'no penalty for messages cut off by a shutdown');
      assert.equal(peersOf(b).isBanned(a.peerId, Date.now()), false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('penalizes a truncated message from a peer that stays connected', async () => {
    const { a, b, undecodable } = await pair();
    try {
      await a.rawSend(b.peerId, new Uint8Array([1, 2, 3]));
      await until('the message to reach b', () => undecodable() >= 1, 15_000);
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(peersOf(b).get(a.peerId, Date.now()).score, -10);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
