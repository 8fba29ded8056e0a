import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { type BlockHeader, blockHash as blockHashOf } from '@keel/bitcoin';
import {
  encodeV1Frame,
  networkMagic,
  type P2PMessage,
  Peer,
  type PeerOutput,
  ServiceFlags,
  V1Transport,
} from '@keel/bitcoin-p2p';
import { freePort, tempDir } from '@keel/test-utils';
import { BitcoinNode } from '../../src/node/node.ts';
import { backend, baseChain } from '../fixtures/chains.ts';

const tmp = tempDir('keel-misbehave-');
const nodes: BitcoinNode[] = [];
const servers: Server[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
  for (const s of servers) s.close();
  tmp.cleanup();
});

async function until(what: string, cond: () => boolean, ms = 90_000): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const chain = baseChain(20);
const magic = networkMagic('regtest');

/**
 * A scripted peer on E's state machine: it handshakes and answers getheaders with `headers`,
 * then runs `onMessage` for everything else (to stall, or to send garbage).
 */
async function scriptedPeer(
  headers: BlockHeader[],
  onMessage: (m: P2PMessage, sock: Socket, send: (m: P2PMessage) => void) => void,
): Promise<{ port: number; closed: () => number }> {
  let closedCount = 0;
  const server = createServer((sock) => {
    const t = new V1Transport({ magic });
    const peer = new Peer({
      inbound: true,
      now: Date.now(),
      services: ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS,
      userAgent: '/scripted/',
      startHeight: headers.length,
      relay: true,
      nonce: () => 42n,
    });
    const send = (m: P2PMessage) => sock.write(t.send(m));
    const apply = (outs: PeerOutput[]) => {
      for (const o of outs) {
        if (o.kind === 'send') send(o.message);
        else if (o.kind === 'message') {
          if (o.message.command === 'getheaders') send({ command: 'headers', payload: headers });
          else onMessage(o.message, sock, send);
        }
      }
    };
    sock.on('data', (d) => {
      for (const ev of t.receive(new Uint8Array(d)).events)
        apply(peer.receiveEvent(ev, Date.now()));
    });
    sock.on('close', () => closedCount++);
    sock.on('error', () => undefined);
  });
  servers.push(server);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, closed: () => closedCount };
}

async function keel(name: string, connect: string[], extra: object = {}) {
  const n = new BitcoinNode({
    network: 'regtest',
    datadir: `${tmp.path}/${name}`,
    listen: false,
    connect,
    rpc: false,
    secp: backend,
    v2transport: false,
    retryMs: 60_000,
    ...extra,
  });
  await n.start();
  nodes.push(n);
  return n;
}

test('a peer that never sends the blocks it was asked for is dropped as a staller; sync finishes from the honest one', async () => {
  const staller = await scriptedPeer(
    chain.blocks.map((b) => b.header),
    () => undefined, // getdata ignored
  );
  const honestPort = await freePort();
  const honest = new BitcoinNode({
    network: 'regtest',
    datadir: `${tmp.path}/honest`,
    port: honestPort,
    bind: '127.0.0.1',
    rpc: false,
    secp: backend,
    v2transport: false,
  });
  await honest.start();
  nodes.push(honest);
  for (const b of chain.blocks) await honest.chain.acceptBlock(b, { requested: true });
  // a small window makes the staller's 16 blocks hold up the download quickly
  const n = await keel('syncer', [`127.0.0.1:${staller.port}`, `127.0.0.1:${honestPort}`], {
    downloadWindow: 24,
  });
  await until('synced despite the staller', () => n.chain.height === chain.blocks.length, 60_000);
  await until('staller dropped', () => staller.closed() >= 1);
});

test('an invalid block gets its sender discouraged and dropped; the node keeps its chain', async () => {
  // a block whose transactions' signatures no longer match (outputs changed after signing)
  const bad = chain.fork('bad');
  const block = bad.mine({ txs: 1, tamper: (txs) => void (txs[0]!.outputs[0]!.value -= 1n) });
  const headers = [...chain.blocks.map((b) => b.header), block.header];
  const liar = await scriptedPeer(headers, (m, _sock, send) => {
    if (m.command !== 'getdata') return;
    for (const inv of m.payload) {
      const b = [...chain.blocks, block].find((x) =>
        Buffer.from(blockHashOf(x.header)).equals(Buffer.from(inv.hash)),
      );
      if (b) send({ command: 'block', payload: b });
    }
  });
  const n = await keel('victim', [`127.0.0.1:${liar.port}`]);
  await until('chain up to the bad block', () => n.chain.height === chain.blocks.length);
  await until('liar dropped', () => liar.closed() >= 1);
  assert.equal(n.chain.height, chain.blocks.length);
  assert.ok(n.chain.index.getByHash(blockHashOf(block.header))?.invalid);
});

test('garbage on the wire (wrong magic) closes the connection without harm', async () => {
  const garbage = await scriptedPeer([], (_m, sock) => {
    sock.write(encodeV1Frame(Uint8Array.of(1, 2, 3, 4), 'ping', new Uint8Array(8)));
  });
  const n = await keel('garbage', [`127.0.0.1:${garbage.port}`]);
  // the handshake completes, then our sendheaders/getheaders trigger the garbage reply
  await until('garbage peer dropped', () => garbage.closed() >= 1);
  assert.equal(n.chain.height, 0);
});
