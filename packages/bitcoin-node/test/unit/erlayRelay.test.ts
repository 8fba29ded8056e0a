import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { P2PMessage, PeerInfo } from '@keel/bitcoin-p2p';
import { ErlayRelay } from '../../src/node/erlayRelay.ts';

// Two ErlayRelays wired back to back (what the peer manager does over a socket): negotiation,
// a timer-driven round, and the disconnect reasons for protocol violations.

function info(inbound: boolean, salt: bigint | null, wtxidRelay = true): PeerInfo {
  return {
    inbound,
    version: 70016,
    commonVersion: 70016,
    services: 9n,
    userAgent: '/t/',
    startHeight: 0,
    relay: true,
    wtxidRelay,
    addrV2: true,
    txReconciliation: salt === null ? null : { version: 1, salt },
    sendHeaders: false,
    compact: null,
    feeFilter: 0n,
  };
}

interface Side {
  relay: ErlayRelay;
  sent: P2PMessage[];
  announced: Uint8Array[][];
  dropped: string[];
}

function side(seed: bigint, intervalMs = 2000): Side {
  let n = seed;
  const s: Side = { sent: [], announced: [], dropped: [] } as unknown as Side;
  s.relay = new ErlayRelay(
    { intervalMs },
    {
      send: (_p, m) => void s.sent.push(m),
      announce: (_p, w) => {
        s.announced.push(w);
        return w.length;
      },
      disconnect: (_p, r) => void s.dropped.push(r),
    },
    () => (n = (n * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn),
  );
  return s;
}

const wtxid = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) & 0xff);

function pair() {
  const out = side(1n); // we dialled: initiator
  const inb = side(2n); // it accepted: responder
  const so = out.relay.preRegister(0);
  const si = inb.relay.preRegister(0);
  assert.equal(so.version, 1);
  assert.ok(out.relay.register(0, info(false, si.salt), 0));
  assert.ok(inb.relay.register(0, info(true, so.salt), 0));
  return { out, inb };
}

/** Delivers what `from` sent to `to` (one message at a time, in order). */
function pump(from: Side, to: Side): number {
  const msgs = from.sent.splice(0);
  for (const m of msgs) to.relay.onMessage(0, m);
  return msgs.length;
}

test('negotiated peers reconcile on the timer: reqrecon, sketch, reconcildiff, announcements both ways', () => {
  const { out, inb } = pair();
  for (let i = 1; i <= 20; i++) assert.ok(out.relay.add(0, wtxid(i)));
  for (let i = 3; i <= 22; i++) assert.ok(inb.relay.add(0, wtxid(i)));
  out.relay.tick(1999);
  assert.equal(out.sent.length, 0, 'not due before 2 s');
  out.relay.tick(2000);
  assert.equal(out.sent[0]?.command, 'reqrecon');
  inb.relay.tick(2000); // the responder never initiates
  assert.equal(inb.sent.length, 0);
  for (let guard = 0; guard < 6 && pump(out, inb) + pump(inb, out) > 0; guard++);
  const toInb = out.announced.flat().map((w) => w[0]);
  const toOut = inb.announced.flat().map((w) => w[0]);
  assert.deepEqual(new Set(toInb), new Set([wtxid(1)[0], wtxid(2)[0]]));
  assert.deepEqual(new Set(toOut), new Set([wtxid(21)[0], wtxid(22)[0]]));
  assert.equal(out.relay.stats.sketchesReceived, inb.relay.stats.sketchesSent);
  assert.equal(out.relay.stats.roundsSucceeded, 1);
  assert.equal(inb.relay.stats.reconcildiffReceived, 1);
});

test('no reconciliation without sendtxrcncl or wtxid relay; messages from such a peer disconnect', () => {
  const a = side(3n);
  a.relay.preRegister(0);
  assert.equal(a.relay.register(0, info(false, null), 0), false);
  a.relay.preRegister(1);
  assert.equal(a.relay.register(1, info(false, 5n, false), 0), false);
  a.relay.onMessage(0, { command: 'sketch', payload: new Uint8Array(4) });
  assert.match(a.dropped[0]!, /did not negotiate reconciliation/);
});

test('unsolicited, out-of-order and wrong-role messages disconnect with the reason', () => {
  const { out, inb } = pair();
  out.relay.onMessage(0, { command: 'sketch', payload: new Uint8Array(8) });
  assert.match(out.dropped.at(-1)!, /txreconciliation: sketch received in phase idle/);
  inb.relay.onMessage(0, { command: 'reconcildiff', payload: { success: true, askShortIds: [] } });
  assert.match(inb.dropped.at(-1)!, /reconcildiff without a round/);
  inb.relay.onMessage(0, { command: 'reqsketchext', payload: null });
  assert.match(inb.dropped.at(-1)!, /reqsketchext without a sketch/);
  out.relay.onMessage(0, { command: 'reqrecon', payload: { setSize: 1, q: 0 } });
  assert.match(out.dropped.at(-1)!, /reqrecon is for the responder/);
  inb.relay.onMessage(0, { command: 'reqrecon', payload: { setSize: 1, q: 0 } });
  inb.relay.onMessage(0, { command: 'reqrecon', payload: { setSize: 1, q: 0 } });
  assert.match(inb.dropped.at(-1)!, /reqrecon while a round is open/);
});

test('peerInfo (getpeerinfo txreconciliation): role, salts, set size, rounds and sketch bytes per link', () => {
  const { out, inb } = pair();
  for (let i = 1; i <= 5; i++) out.relay.add(0, wtxid(i));
  for (let i = 2; i <= 7; i++) inb.relay.add(0, wtxid(i));
  const before = out.relay.peerInfo(0);
  assert.equal(before.negotiated, true);
  assert.equal(before.role, 'initiator');
  assert.equal(inb.relay.peerInfo(0).role, 'responder');
  assert.equal(before.set_size, 5);
  assert.equal(before.reconciliations, 0);
  // The salts are the ones each side offered in sendtxrcncl, crossed over.
  assert.equal(before.local_salt, inb.relay.peerInfo(0).remote_salt);
  assert.equal(before.remote_salt, inb.relay.peerInfo(0).local_salt);
  assert.match(before.local_salt!, /^[0-9a-f]{16}$/);
  out.relay.tick(2000);
  for (let guard = 0; guard < 6 && pump(out, inb) + pump(inb, out) > 0; guard++);
  const o = out.relay.peerInfo(0);
  const r = inb.relay.peerInfo(0);
  assert.equal(o.reconciliations, 1);
  assert.equal(r.reconciliations, 1);
  assert.equal(o.reconciliations_failed, 0);
  assert.ok(o.sketch_bytes_recv! > 0);
  // A 32-bit sketch: 4 bytes per syndrome, sent by the responder, received by the initiator.
  assert.equal(o.sketch_bytes_recv, r.sketch_bytes_sent);
  assert.equal(o.sketch_bytes_recv! % 4, 0);
  assert.equal(o.set_size, 0, 'the round took the whole set');
  assert.deepEqual(side(9n).relay.peerInfo(3), { negotiated: false });
});
