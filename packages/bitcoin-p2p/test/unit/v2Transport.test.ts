import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import {
  deriveV2TransportKeys,
  ellswiftCreate,
  ellswiftXdh,
  V2PacketCipher,
} from '@keel/crypto/secp256k1';
import { SeededRng } from '@keel/util';
import {
  defaultP2PLimits,
  encodeV1Message,
  type P2PMessage,
  type TransportEvent,
  V2Transport,
  type V2TransportOptions,
} from '../../src/index.ts';

const MAGIC = networks.regtest.magic;

function key(rng: SeededRng): Uint8Array {
  const k = rng.bytes(32);
  k[0] = (k[0]! % 0x7f) + 1; // a valid scalar: non-zero and well below the group order
  return k;
}

function pair(rng: SeededRng, extra: Partial<V2TransportOptions> = {}) {
  const a = new V2Transport({
    initiating: true,
    magic: MAGIC,
    privateKey: key(rng),
    auxRand: rng.bytes(32),
    garbage: rng.bytes(rng.int(4096)),
    ...extra,
  });
  const b = new V2Transport({
    initiating: false,
    magic: MAGIC,
    privateKey: key(rng),
    auxRand: rng.bytes(32),
    garbage: rng.bytes(rng.int(4096)),
    ...extra,
  });
  return { a, b };
}

/** Delivers bytes in random chunk sizes, collecting events and replies. */
function deliver(rng: SeededRng, to: V2Transport, bytes: Uint8Array) {
  const events: TransportEvent[] = [];
  const replies: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + rng.int(700);
    const r = to.receive(bytes.subarray(i, i + n));
    events.push(...r.events);
    if (r.send.length) replies.push(r.send);
    i += n;
  }
  return { events, reply: Buffer.concat(replies) };
}

function handshake(rng: SeededRng, extra: Partial<V2TransportOptions> = {}) {
  const { a, b } = pair(rng, extra);
  const r1 = deliver(rng, b, a.start());
  const r2 = deliver(rng, a, r1.reply);
  const r3 = deliver(rng, b, r2.reply);
  assert.equal(r3.reply.length, 0);
  for (const r of [r1, r2, r3]) assert.deepEqual(r.events, []);
  return { a, b };
}

const messages = (evs: TransportEvent[]) =>
  evs.map((e) => (e.kind === 'message' ? e.message : assert.fail(`unexpected ${e.kind}`)));

test('two v2 peers handshake and exchange messages both ways across rekeys (> 2×224 packets)', () => {
  const rng = new SeededRng('v2-pair');
  const { a, b } = handshake(rng);
  assert.ok(a.established && b.established);
  assert.equal(a.version, 'v2');
  assert.deepEqual(a.sessionId, b.sessionId);
  for (let round = 0; round < 500; round++) {
    const ping: P2PMessage = { command: 'ping', payload: BigInt(round) };
    const custom: P2PMessage = {
      command: 'sendtxrcncl',
      payload: { version: 1, salt: BigInt(round) },
    };
    const ab = deliver(rng, b, Buffer.concat([a.send(ping), a.sendDecoy(rng.bytes(rng.int(40)))]));
    assert.deepEqual(messages(ab.events), [ping]);
    const ba = deliver(rng, a, b.send(custom));
    assert.deepEqual(messages(ba.events), [custom]);
  }
});

test('messages sent before the handshake completes are queued and arrive in order', () => {
  const rng = new SeededRng('v2-queue');
  const { a, b } = pair(rng);
  const v: P2PMessage = { command: 'verack', payload: null };
  assert.equal(a.send(v).length, 0);
  const r1 = deliver(rng, b, a.start());
  // The responder has both keys now: it can send at once, after its version packet.
  const pong = b.send({ command: 'pong', payload: 9n });
  assert.ok(pong.length > 0);
  const r2 = deliver(rng, a, Buffer.concat([r1.reply, pong]));
  assert.deepEqual(messages(r2.events), [{ command: 'pong', payload: 9n }]);
  const r3 = deliver(rng, b, r2.reply);
  assert.deepEqual(messages(r3.events), [v]);
});

test('responder falls back to v1 on a v1 version header and answers in v1', () => {
  const rng = new SeededRng('v2-fallback');
  const { b } = pair(rng);
  const version: P2PMessage = {
    command: 'version',
    payload: {
      version: 70016,
      services: 9n,
      timestamp: 1n,
      addrRecv: { services: 0n, ip: new Uint8Array(16), port: 0 },
      addrFrom: { services: 0n, ip: new Uint8Array(16), port: 0 },
      nonce: 5n,
      userAgent: '/v1/',
      startHeight: 0,
      relay: true,
    },
  };
  const r = deliver(rng, b, encodeV1Message(MAGIC, version));
  assert.equal(b.version, 'v1');
  assert.equal(r.reply.length, 0, 'nothing sent before the peer proved v2');
  assert.deepEqual(messages(r.events), [version]);
  assert.deepEqual(
    b.send({ command: 'verack', payload: null }),
    encodeV1Message(MAGIC, { command: 'verack', payload: null }),
  );
});

test('a v1 header of another network is refused (Core: V1 peer with wrong MessageStart)', () => {
  const rng = new SeededRng('v2-othernet');
  const { b } = pair(rng);
  const header = Buffer.concat([
    networks.main.magic,
    Buffer.from('version\0\0\0\0\0'),
    new Uint8Array(8),
  ]);
  const r = b.receive(header);
  const err = r.events.find((e) => e.kind === 'error');
  assert.ok(err?.kind === 'error');
  assert.match(err.error.message, /V1 peer with wrong MessageStart f9beb4d9/);
  assert.ok(b.failed);
});

test('garbage flood: no terminator within 4095 bytes of garbage disconnects', () => {
  const rng = new SeededRng('v2-garbage');
  const { a, b } = pair(rng);
  deliver(rng, b, a.start());
  // b's key, then 4095 + 16 bytes that hold no terminator.
  const r = a.receive(Buffer.concat([b.ellswift, new Uint8Array(4095 + 16).fill(7)]));
  assert.ok(a.failed);
  const err = r.events.at(-1);
  assert.ok(err?.kind === 'error' && err.error.verdict === 'disconnect');
  assert.match(err.error.message, /missing garbage terminator/);
  // One byte less is still waiting, not failed.
  const { a: a2, b: b2 } = pair(new SeededRng('v2-garbage-2'));
  b2.receive(a2.start());
  const r2 = a2.receive(Buffer.concat([b2.ellswift, new Uint8Array(4095 + 15).fill(7)]));
  assert.deepEqual(r2.events, []);
  assert.ok(!a2.failed);
});

test('a tampered packet fails authentication; an oversized length disconnects before allocating', () => {
  const rng = new SeededRng('v2-tamper');
  const { a, b } = handshake(rng);
  const pkt = a.send({ command: 'ping', payload: 1n });
  pkt[pkt.length - 1]! ^= 1;
  const r = b.receive(pkt);
  assert.ok(b.failed);
  assert.match((r.events[0] as { error: Error }).error.message, /packet decryption failure/);

  const small = handshake(new SeededRng('v2-small'), {
    limits: { ...defaultLimits(), maxPayload: 100 },
  });
  assert.throws(() => small.a.send({ command: 'tx', payload: bigTx(200) }), /exceed 113/);
  const big = handshake(new SeededRng('v2-big'));
  const bytes = big.a.send({ command: 'tx', payload: bigTx(200) });
  const limited = handshake(new SeededRng('v2-big'), {
    limits: { ...defaultLimits(), maxPayload: 100 },
  });
  const r2 = limited.b.receive(bytes.subarray(0, 3));
  assert.match(
    (r2.events[0] as { error: Error }).error.message,
    /packet too large \(\d+ bytes, max 113\)/,
  );
});

test('unknown short ids and bad 12-byte types are dropped; the connection goes on', () => {
  const rng = new SeededRng('v2-types');
  const { a, b } = handshake(rng);
  const r = deliver(
    rng,
    b,
    Buffer.concat([
      a.sendContents(Uint8Array.of(200, 1, 2)),
      a.sendContents(new Uint8Array(0)),
      a.sendContents(Uint8Array.of(0, 0x41, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
      a.sendContents(Uint8Array.of(30)), // assigned by BIP324 but undefined: unknown command
      a.send({ command: 'pong', payload: 3n }),
    ]),
  );
  assert.deepEqual(
    r.events.map((e) => (e.kind === 'error' ? e.error.verdict : e.kind)),
    ['ignore', 'ignore', 'ignore', 'unknown', 'message'],
  );
  assert.ok(!b.failed);
});

function defaultLimits() {
  return { ...defaultP2PLimits };
}

function bigTx(scriptLen: number) {
  return {
    version: 2,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0 },
        scriptSig: new Uint8Array(scriptLen),
        sequence: 0,
        witness: [],
      },
    ],
    outputs: [],
    locktime: 0,
  };
}

test('decoys before the version packet: the first one carries the garbage as AAD (BIP324)', () => {
  const rng = new SeededRng('v2-decoys-first');
  const garbage = rng.bytes(100);
  const skA = key(rng);
  const skB = key(rng);
  const ellB = ellswiftCreate(skB, rng.bytes(32));
  const theirGarbage = rng.bytes(300);
  const decoy = rng.bytes(20);
  /** The responder side, built by hand from @keel/crypto's primitives. */
  const responder = (a: V2Transport, decoyAad: Uint8Array) => {
    const secret = ellswiftXdh(a.ellswift, ellB, skB, false);
    const keys = deriveV2TransportKeys(secret, false, MAGIC);
    const b = new V2PacketCipher(keys, false);
    const none = new Uint8Array(0);
    const bytes = Buffer.concat([
      ellB,
      theirGarbage,
      keys.sendGarbageTerminator,
      b.encrypt(decoy, decoyAad, true),
      b.encrypt(Uint8Array.of(1, 2, 3), none, true),
      b.encrypt(none, none, false), // version
      b.encrypt(Uint8Array.of(18, 1, 0, 0, 0, 0, 0, 0, 0), none, false), // ping 1
    ]);
    return { keys, b, bytes };
  };
  const a = new V2Transport({ initiating: true, magic: MAGIC, privateKey: skA, garbage });
  assert.equal(a.start().length, 64 + 100);
  const { keys, b, bytes } = responder(a, theirGarbage);
  const r = deliver(rng, a, bytes);
  assert.deepEqual(messages(r.events), [{ command: 'ping', payload: 1n }]);
  // a's reply: its terminator, then its version packet authenticating its own garbage.
  assert.deepEqual(Uint8Array.from(r.reply.subarray(0, 16)), keys.recvGarbageTerminator);
  assert.equal(b.decryptLength(r.reply.subarray(16, 19)), 0);
  assert.equal(b.decrypt(r.reply.subarray(19, 19 + 17), garbage).ignore, false);

  // Without the garbage as the first packet's AAD, authentication fails: disconnect.
  const a2 = new V2Transport({ initiating: true, magic: MAGIC, privateKey: skA, garbage });
  a2.start();
  const r2 = deliver(rng, a2, responder(a2, new Uint8Array(0)).bytes);
  assert.ok(a2.failed);
  assert.match((r2.events[0] as { error: Error }).error.message, /packet decryption failure/);
});
