// The README's examples, run as written (with concrete values where the README has names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCompactSize } from '@keel/util';
import {
  decodeMessage,
  encodeMessage,
  encodeV1Message,
  networkMagic,
  P2PError,
  type P2PMessage,
  Peer,
  ServiceFlags,
  V1Decoder,
  V1Transport,
  V2Transport,
} from '../../src/index.ts';

test('README: messages', () => {
  const ping: P2PMessage = { command: 'ping', payload: 42n };
  const payload = encodeMessage(ping);
  assert.equal(payload.length, 8);
  assert.deepEqual(decodeMessage('ping', payload), ping);
  assert.equal(decodeMessage('filterload', Uint8Array.of(1, 2, 3)), null);
  const tooMany = encodeCompactSize(50_001);
  assert.throws(
    () => decodeMessage('inv', tooMany),
    (e: unknown) =>
      e instanceof P2PError && e.code === 'ERR_P2P_OVERSIZED' && e.verdict === 'discourage',
  );
});

test('README: v1 framing', () => {
  const ping: P2PMessage = { command: 'ping', payload: 42n };
  const magic = networkMagic('regtest');
  const wire = encodeV1Message(magic, ping);
  assert.equal(wire.length, 24 + 8);
  const dec = new V1Decoder({ magic });
  assert.deepEqual(dec.push(wire), [{ kind: 'message', message: ping, size: 8 }]);
});

test('README: transports and the peer', () => {
  const magic = networkMagic('regtest');
  const t1 = new V1Transport({ magic });
  assert.equal(t1.version, 'v1');
  const t2 = new V2Transport({
    initiating: true,
    magic,
    privateKey: new Uint8Array(32).fill(7),
    auxRand: new Uint8Array(32),
    garbage: new Uint8Array(10),
  });
  assert.equal(t2.start().length, 64 + 10);
  let n = 1n;
  const tip = { height: 5 };
  const peer = new Peer({
    inbound: false,
    now: 0,
    services: ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS,
    userAgent: '/keel:0.1.0/',
    startHeight: () => tip.height,
    relay: true,
    nonce: () => n++,
    requiredServices: ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS,
  });
  const [out] = peer.start();
  assert.ok(out?.kind === 'send' && out.message.command === 'version');
  assert.equal(out.message.payload.startHeight, 5);
  assert.deepEqual(peer.tick(1000), []);
});
