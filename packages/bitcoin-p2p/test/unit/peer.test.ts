import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import { encodeCompactSize } from '@keel/util';
import {
  decodeMessage,
  encodeMessage,
  encodeV1Message,
  type P2PMessage,
  Peer,
  type PeerOptions,
  type PeerOutput,
  ServiceFlags,
  V1Decoder,
} from '../../src/index.ts';

const SERVICES = ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS;

function counterNonce(start: bigint): () => bigint {
  let n = start;
  return () => n++;
}

function makePeer(inbound: boolean, extra: Partial<PeerOptions> = {}): Peer {
  return new Peer({
    inbound,
    now: 1_000_000,
    services: SERVICES,
    userAgent: inbound ? '/keel-in:0.1.0/' : '/keel-out:0.1.0/',
    startHeight: 7,
    relay: true,
    nonce: counterNonce(inbound ? 1000n : 2000n),
    ...extra,
  });
}

const sent = (outs: PeerOutput[]) =>
  outs.flatMap((o) => (o.kind === 'send' ? [o.message.command] : []));

/** Moves every `send` output from one peer into the other through real v1 bytes. */
function pump(from: PeerOutput[], to: Peer, now: number, back: Peer, depth = 0): PeerOutput[] {
  const all: PeerOutput[] = [];
  const magic = networks.regtest.magic;
  const dec = new V1Decoder({ magic });
  for (const o of from) {
    if (o.kind !== 'send') continue;
    for (const ev of dec.push(encodeV1Message(magic, o.message))) {
      const outs = to.receiveEvent(ev, now);
      all.push(...outs);
      if (depth < 6) all.push(...pump(outs, back, now, to, depth + 1));
    }
  }
  return all;
}

test('outbound and inbound peers complete the handshake with wtxidrelay and sendaddrv2', () => {
  const out = makePeer(false);
  const inb = makePeer(true);
  const first = out.start();
  assert.deepEqual(sent(first), ['version']);
  const outputs = pump(first, inb, 1_000_100, out);
  assert.ok(out.isEstablished && inb.isEstablished);
  const handshakes = outputs.filter((o) => o.kind === 'handshake');
  assert.equal(handshakes.length, 2);
  for (const p of [out, inb]) {
    const info = p.peerInfo!;
    assert.equal(info.commonVersion, 70016);
    assert.equal(info.wtxidRelay, true);
    assert.equal(info.addrV2, true);
    assert.equal(info.startHeight, 7);
  }
  assert.equal(out.peerInfo!.userAgent, '/keel-in:0.1.0/');
  assert.equal(inb.peerInfo!.userAgent, '/keel-out:0.1.0/');
  assert.ok(!outputs.some((o) => o.kind === 'verdict'));
});

function versionFrom(peer: Peer): P2PMessage {
  const v = peer.start().find((o) => o.kind === 'send');
  assert.ok(v && v.kind === 'send');
  return decodeMessage('version', encodeMessage(v.message))!;
}

test('inbound answers version with version, wtxidrelay, sendaddrv2, verack (Core order)', () => {
  const inb = makePeer(true);
  const outs = inb.receive(versionFrom(makePeer(false)), 1_000_010);
  assert.deepEqual(sent(outs), ['version', 'wtxidrelay', 'sendaddrv2', 'verack']);
});

test('feature messages after verack disconnect; other messages before verack are ignored', () => {
  for (const command of ['wtxidrelay', 'sendaddrv2'] as const) {
    const inb = makePeer(true);
    inb.receive(versionFrom(makePeer(false)), 1);
    assert.deepEqual(inb.receive({ command: 'inv', payload: [] }, 2), [
      { kind: 'ignored', command: 'inv', reason: 'unsupported message prior to verack' },
    ]);
    inb.receive({ command: 'verack', payload: null }, 3);
    assert.deepEqual(inb.receive({ command, payload: null }, 4), [
      { kind: 'verdict', action: 'disconnect', reason: `${command} received after verack` },
    ]);
    assert.ok(inb.isClosed);
    assert.deepEqual(inb.receive({ command: 'ping', payload: 1n }, 5), []);
  }
  const fresh = makePeer(true);
  assert.equal(fresh.receive({ command: 'verack', payload: null }, 1)[0]?.kind, 'ignored');
});

test('an old protocol version gets no wtxidrelay/sendaddrv2; below 31800 is disconnected', () => {
  const v = versionFrom(makePeer(false));
  assert.ok(v.command === 'version');
  const inb = makePeer(true);
  assert.deepEqual(sent(inb.receive({ ...v, payload: { ...v.payload, version: 70015 } }, 1)), [
    'version',
    'verack',
  ]);
  inb.receive({ command: 'wtxidrelay', payload: null }, 2);
  assert.equal(inb.peerInfo!.wtxidRelay, false);
  const old = makePeer(true);
  assert.deepEqual(old.receive({ ...v, payload: { ...v.payload, version: 31799 } }, 1), [
    { kind: 'verdict', action: 'disconnect', reason: 'using obsolete version 31799' },
  ]);
});

test('self-connection and missing services disconnect', () => {
  const out = makePeer(false);
  const v = versionFrom(out);
  const inb = makePeer(true, { isOwnNonce: (n) => n === out.versionNonce });
  assert.deepEqual(inb.receive(v, 1), [
    { kind: 'verdict', action: 'disconnect', reason: 'connected to self' },
  ]);
  const picky = makePeer(false, { requiredServices: SERVICES | ServiceFlags.NODE_COMPACT_FILTERS });
  picky.start();
  const outs = picky.receive(versionFrom(makePeer(false)), 1);
  assert.equal(outs[0]?.kind, 'verdict');
  assert.match(
    (outs[0] as { reason: string }).reason,
    /does not offer the expected services \(9 offered, 49 expected\)/,
  );
});

test('handshake timeout after 60 s; ping every 2 min; ping timeout after 20 min', () => {
  const slow = makePeer(false);
  slow.start();
  assert.deepEqual(slow.tick(1_000_000 + 60_000), []);
  assert.deepEqual(slow.tick(1_000_000 + 60_001), [
    { kind: 'verdict', action: 'disconnect', reason: 'version handshake timeout' },
  ]);

  const out = makePeer(false);
  const inb = makePeer(true);
  pump(out.start(), inb, 1_000_000, out);
  const t0 = 1_000_000;
  const p1 = out.tick(t0);
  assert.deepEqual(sent(p1), ['ping']);
  assert.deepEqual(out.tick(t0 + 1000), [], 'one ping in flight at a time');
  const answer = pump(p1, inb, t0 + 250, out);
  assert.deepEqual(
    answer.filter((o) => o.kind === 'pong'),
    [{ kind: 'pong', rttMs: 250 }],
  );
  assert.deepEqual(out.tick(t0 + 119_999), []);
  const p2 = out.tick(t0 + 120_000);
  assert.deepEqual(sent(p2), ['ping']);
  // Unanswered, and the peer keeps talking (no inactivity): 20 minutes later it is dropped.
  out.receive({ command: 'inv', payload: [] }, t0 + 120_000 + 20 * 60_000);
  assert.deepEqual(out.tick(t0 + 120_000 + 20 * 60_000 + 1), [
    { kind: 'verdict', action: 'disconnect', reason: 'ping timeout: 1200.001s' },
  ]);
});

test('pong with a wrong nonce is only logged; nonce zero cancels; inactivity disconnects', () => {
  const out = makePeer(false);
  const inb = makePeer(true);
  pump(out.start(), inb, 0, out);
  const ping = out.tick(10).find((o) => o.kind === 'send');
  assert.ok(ping?.kind === 'send' && ping.message.command === 'ping');
  assert.deepEqual(out.receive({ command: 'pong', payload: 999_999n }, 20), [
    { kind: 'ignored', command: 'pong', reason: 'nonce mismatch' },
  ]);
  assert.deepEqual(out.receive({ command: 'pong', payload: 0n }, 30), [
    { kind: 'ignored', command: 'pong', reason: 'nonce zero' },
  ]);
  assert.deepEqual(out.receive({ command: 'pong', payload: 0n }, 40), [
    { kind: 'ignored', command: 'pong', reason: 'unsolicited pong without ping' },
  ]);
  const last = 40;
  assert.deepEqual(sent(out.tick(last + 20 * 60_000)), ['ping']);
  assert.deepEqual(out.tick(last + 20 * 60_000 + 1), [
    { kind: 'verdict', action: 'disconnect', reason: 'socket receive timeout: 1200.001s' },
  ]);
});

test('decode verdicts become outputs: discourage for oversized inv, ignore for a bad checksum', () => {
  const out = makePeer(false);
  const inb = makePeer(true);
  pump(out.start(), inb, 0, out);
  const magic = networks.regtest.magic;
  const dec = new V1Decoder({ magic });
  const bad = encodeV1Message(magic, { command: 'ping', payload: 5n });
  bad[21] = bad[21]! ^ 0xff;
  const [ev] = dec.push(bad);
  assert.equal(inb.receiveEvent(ev!, 1)[0]?.kind, 'ignored');
  const inv = encodeCompactSize(50_001);
  let err: unknown;
  try {
    decodeMessage('inv', inv);
  } catch (e) {
    err = e;
  }
  const outs = inb.receiveEvent({ kind: 'error', error: err as never }, 2);
  assert.deepEqual(outs, [
    {
      kind: 'verdict',
      action: 'discourage',
      reason: 'inv message size = 50001 entries (max 50000)',
    },
  ]);
});

test('after verack: ping answered with pong, sendcmpct/feefilter/sendheaders recorded', () => {
  const out = makePeer(false);
  const inb = makePeer(true);
  pump(out.start(), inb, 0, out);
  assert.deepEqual(inb.receive({ command: 'ping', payload: 42n }, 1), [
    { kind: 'send', message: { command: 'pong', payload: 42n } },
  ]);
  inb.receive({ command: 'sendheaders', payload: null }, 2);
  inb.receive({ command: 'feefilter', payload: 1000n }, 3);
  assert.equal(
    inb.receive({ command: 'sendcmpct', payload: { announce: true, version: 1n } }, 4)[0]?.kind,
    'ignored',
  );
  inb.receive({ command: 'sendcmpct', payload: { announce: true, version: 2n } }, 5);
  const info = inb.peerInfo!;
  assert.equal(info.sendHeaders, true);
  assert.equal(info.feeFilter, 1000n);
  assert.deepEqual(info.compact, { announce: true, version: 2n });
  const block = inb.receive({ command: 'headers', payload: [] }, 6);
  assert.deepEqual(block, [{ kind: 'message', message: { command: 'headers', payload: [] } }]);
});

test('BIP330 sendtxrcncl: recorded before verack when we reconcile; after verack disconnects', () => {
  const rc = { version: 1, salt: 77n };
  const out = makePeer(false, { txReconciliation: rc });
  const inb = makePeer(true, { txReconciliation: { version: 1, salt: 88n } });
  pump(out.start(), inb, 0, out);
  assert.deepEqual(out.peerInfo!.txReconciliation, { version: 1, salt: 88n });
  assert.deepEqual(inb.peerInfo!.txReconciliation, rc);
  assert.equal(inb.receive({ command: 'sendtxrcncl', payload: rc }, 1)[0]?.kind, 'verdict');
  const plain = makePeer(true);
  plain.receive(versionFrom(makePeer(false)), 1);
  assert.equal(plain.receive({ command: 'sendtxrcncl', payload: rc }, 2)[0]?.kind, 'ignored');
});
