// Two Peers over real transports, bytes only between them: the wiring a socket layer does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import {
  Peer,
  type PeerOutput,
  ServiceFlags,
  type Transport,
  V1Transport,
  V2Transport,
} from '../../src/index.ts';

const MAGIC = networks.regtest.magic;

function peer(inbound: boolean, seed: bigint): Peer {
  let n = seed;
  return new Peer({
    inbound,
    now: 0,
    services: ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS | ServiceFlags.NODE_P2P_V2,
    userAgent: '/keel:0.1.0/',
    startHeight: 0,
    relay: true,
    nonce: () => n++,
  });
}

/** Runs both sides until no bytes move; returns every non-send output per side. */
function run(pa: Peer, ta: Transport, pb: Peer, tb: Transport) {
  const seen: [PeerOutput[], PeerOutput[]] = [[], []];
  let wireAB: Uint8Array[] = [ta.start()];
  let wireBA: Uint8Array[] = [tb.start()];
  const act = (t: Transport, outs: PeerOutput[], log: PeerOutput[], wire: Uint8Array[]) => {
    for (const o of outs) {
      if (o.kind === 'send') wire.push(t.send(o.message));
      else log.push(o);
    }
  };
  act(ta, pa.start(), seen[0], wireAB);
  act(tb, pb.start(), seen[1], wireBA);
  for (let i = 0; i < 20 && (wireAB.length || wireBA.length); i++) {
    const toB = Buffer.concat(wireAB);
    const toA = Buffer.concat(wireBA);
    wireAB = [];
    wireBA = [];
    const rb = tb.receive(toB);
    wireBA.push(rb.send);
    for (const ev of rb.events) act(tb, pb.receiveEvent(ev, 1), seen[1], wireBA);
    const ra = ta.receive(toA);
    wireAB.push(ra.send);
    for (const ev of ra.events) act(ta, pa.receiveEvent(ev, 1), seen[0], wireAB);
    wireAB = wireAB.filter((b) => b.length);
    wireBA = wireBA.filter((b) => b.length);
  }
  return seen;
}

const key = (b: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * b + 1) & 0x7f);

test('Peer handshake over BIP324 v2 both ways', () => {
  const a = new V2Transport({
    initiating: true,
    magic: MAGIC,
    privateKey: key(3),
    garbage: new Uint8Array(33),
  });
  const b = new V2Transport({ initiating: false, magic: MAGIC, privateKey: key(5) });
  const pa = peer(false, 1n);
  const pb = peer(true, 100n);
  const [la, lb] = run(pa, a, pb, b);
  assert.ok(pa.isEstablished && pb.isEstablished);
  assert.equal(la.filter((o) => o.kind === 'handshake').length, 1);
  assert.equal(lb.filter((o) => o.kind === 'handshake').length, 1);
  assert.equal(a.version, 'v2');
  assert.equal(b.version, 'v2');
});

test('a v1 initiator reaches a v2 responder through its v1 fallback', () => {
  const a = new V1Transport({ magic: MAGIC });
  const b = new V2Transport({ initiating: false, magic: MAGIC, privateKey: key(7) });
  const pa = peer(false, 1n);
  const pb = peer(true, 100n);
  run(pa, a, pb, b);
  assert.ok(pa.isEstablished && pb.isEstablished);
  assert.equal(b.version, 'v1');
});

test('sendPayload frames stored bytes without re-encoding, on v1 and v2 alike', () => {
  const block = Uint8Array.of(...new Uint8Array(80), 0); // a header and zero transactions
  const v1 = new V1Transport({ magic: MAGIC });
  const evs1 = new V1Transport({ magic: MAGIC }).receive(v1.sendPayload('block', block)).events;
  const a = new V2Transport({ initiating: true, magic: MAGIC, privateKey: key(3) });
  const b = new V2Transport({ initiating: false, magic: MAGIC, privateKey: key(5) });
  const fin = a.receive(b.receive(a.start()).send).send;
  const evs2 = b.receive(Buffer.concat([fin, a.sendPayload('block', block)])).events;
  for (const evs of [evs1, evs2]) {
    assert.equal(evs.length, 1);
    assert.ok(evs[0]!.kind === 'message' && evs[0]!.message.command === 'block');
  }
  assert.throws(() => v1.sendPayload('block', new Uint8Array(4_000_001)), /exceeds 4000000/);
});
