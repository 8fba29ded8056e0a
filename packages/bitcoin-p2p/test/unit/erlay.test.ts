import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sipHashUint256 } from '@keel/crypto/siphash';
import {
  computeReconSalt,
  decodeReconcilDiff,
  decodeReqRecon,
  decodeReqSketchExt,
  decodeSketch,
  encodeReconcilDiff,
  encodeReqRecon,
  encodeReqSketchExt,
  encodeSketch,
  estimateQ,
  estimateSketchCapacity,
  ReconciliationScheduler,
  ReconciliationState,
  reconShortId,
  selectFanout,
} from '../../src/erlay/index.ts';
import { P2PError } from '../../src/errors.ts';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const le64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

/** Deterministic 32-byte ids. */
function wtxid(n: number): Uint8Array {
  return sha(new TextEncoder().encode(`tx-${n}`));
}

test('salt: tagged hash of the ascending salts, both ends agree; short ids in 1..2^32-1', () => {
  const a = 0x1122334455667788n;
  const b = 0x0102030405060708n;
  const tag = sha(new TextEncoder().encode('Tx Relay Salting'));
  const h = sha(tag, tag, le64(b), le64(a));
  const dv = new DataView(h.buffer);
  const k0 = dv.getBigUint64(0, true);
  const k1 = dv.getBigUint64(8, true);
  const key = computeReconSalt(a, b);
  const other = computeReconSalt(b, a);
  for (let i = 0; i < 50; i++) {
    const w = wtxid(i);
    const want = 1 + Number(sipHashUint256(k0, k1, w) % 0xffffffffn);
    assert.equal(reconShortId(key, w), want);
    assert.equal(reconShortId(other, w), want);
    assert.ok(want >= 1 && want <= 0xffffffff);
  }
});

test('codecs round-trip and refuse malformed bytes with a disconnect verdict', () => {
  assert.deepEqual(decodeReqRecon(encodeReqRecon({ setSize: 513, q: 8191 })), {
    setSize: 513,
    q: 8191,
  });
  const sk = new Uint8Array(40).map((_, i) => i);
  assert.deepEqual(decodeSketch(encodeSketch(sk)), sk);
  assert.deepEqual(decodeReqSketchExt(encodeReqSketchExt()), {});
  const d = { success: true, askShortIds: [1, 0xffffffff, 77] };
  assert.deepEqual(decodeReconcilDiff(encodeReconcilDiff(d)), d);
  const bad = [
    () => decodeReqRecon(new Uint8Array(3)),
    () => decodeSketch(Uint8Array.of(3, 1, 2, 3)),
    () => decodeSketch(Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0x7f)),
    () => decodeReconcilDiff(Uint8Array.of(2, 0)),
    () => decodeReconcilDiff(Uint8Array.of(1, 2, 1, 0, 0, 0)),
    () => decodeReconcilDiff(Uint8Array.of(1, 0xfd, 0xff, 0xff)),
  ];
  for (const f of bad) {
    assert.throws(f, (e: unknown) => e instanceof P2PError && e.verdict === 'disconnect');
  }
  assert.throws(() => encodeSketch(new Uint8Array(3)), P2PError);
});

interface Link {
  init: ReconciliationState;
  resp: ReconciliationState;
  initHas: Set<string>;
  respHas: Set<string>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function link(shared: number, onlyInit: number, onlyResp: number, offset = 0): Link {
  const key = computeReconSalt(7n, 9n);
  const init = new ReconciliationState({ role: 'initiator', key });
  const resp = new ReconciliationState({ role: 'responder', key });
  const initHas = new Set<string>();
  const respHas = new Set<string>();
  let n = offset;
  for (let i = 0; i < shared; i++, n++) {
    init.add(wtxid(n));
    resp.add(wtxid(n));
  }
  for (let i = 0; i < onlyInit; i++, n++) {
    init.add(wtxid(n));
    initHas.add(hex(wtxid(n)));
  }
  for (let i = 0; i < onlyResp; i++, n++) {
    resp.add(wtxid(n));
    respHas.add(hex(wtxid(n)));
  }
  return { init, resp, initHas, respHas };
}

/** Runs one round over the codecs; returns what each side announced and whether it extended. */
function round(l: Link) {
  const req = decodeReqRecon(encodeReqRecon(l.init.requestReconciliation()!));
  l.resp.onReqRecon(req);
  let step = l.init.onSketch(decodeSketch(encodeSketch(l.resp.respondSketch())));
  let extended = false;
  if (step.kind === 'extend') {
    extended = true;
    decodeReqSketchExt(encodeReqSketchExt());
    step = l.init.onSketch(decodeSketch(encodeSketch(l.resp.onReqSketchExt())));
  }
  assert.equal(step.kind, 'done');
  if (step.kind !== 'done') throw new Error('unreachable');
  const respAnnounces = l.resp.onReconcilDiff(decodeReconcilDiff(encodeReconcilDiff(step.diff)));
  return {
    step,
    initAnnounces: step.announce.map(hex),
    respAnnounces: respAnnounces.map(hex),
    extended,
  };
}

test('two peers reconcile a set difference within the estimate, without extension', () => {
  const l = link(200, 6, 4);
  const r = round(l);
  assert.equal(r.extended, false);
  assert.equal(r.step.success, true);
  assert.deepEqual(new Set(r.initAnnounces), l.initHas);
  assert.deepEqual(new Set(r.respAnnounces), l.respHas);
  assert.equal(r.step.diff.askShortIds.length, 4);
  assert.equal(l.init.busy || l.resp.busy, false);
});

test('a difference over the first sketch is found by the extension (reqsketchext)', () => {
  // q = 0.25 of min(100, 100) + 1 = 26 estimated; 40 real differences overflow the first
  // sketch (capacity from the estimate) but fit twice its capacity.
  const l = link(80, 20, 20);
  const r = round(l);
  assert.equal(r.extended, true);
  assert.equal(r.step.success, true);
  assert.deepEqual(new Set(r.initAnnounces), l.initHas);
  assert.deepEqual(new Set(r.respAnnounces), l.respHas);
  // q learns the real share: (40 - 0) / 100.
  assert.ok(Math.abs(l.init.currentQ - 0.4) < 1e-9);
});

test('a difference beyond the extension fails and both sides flood their whole snapshot', () => {
  const l = link(10, 120, 120);
  const r = round(l);
  assert.equal(r.extended, true);
  assert.equal(r.step.success, false);
  assert.equal(r.initAnnounces.length, 130);
  assert.equal(r.respAnnounces.length, 130);
});

test('random differences: every round ends with both sides knowing the union', () => {
  let seed = 1;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  let extensions = 0;
  for (let t = 0; t < 25; t++) {
    const l = link(rnd(100), rnd(30), rnd(30), t * 1000);
    const r = round(l);
    if (r.extended) extensions++;
    const gotInit = new Set(r.respAnnounces);
    const gotResp = new Set(r.initAnnounces);
    for (const w of l.respHas)
      assert.ok(gotInit.has(w), 'initiator learns every responder-only tx');
    for (const w of l.initHas)
      assert.ok(gotResp.has(w), 'responder learns every initiator-only tx');
  }
  assert.ok(extensions > 0, 'some rounds needed the extension');
});

test('transactions added during a round wait for the next one', () => {
  const l = link(5, 1, 1);
  l.resp.onReqRecon(l.init.requestReconciliation()!);
  const sk = l.resp.respondSketch();
  l.resp.add(wtxid(99999)); // after its sketch: next round
  const step = l.init.onSketch(sk);
  l.init.add(wtxid(88888)); // after the sketch arrived: next round
  assert.equal(step.kind, 'done');
  if (step.kind === 'done') l.resp.onReconcilDiff(step.diff);
  assert.equal(l.init.size, 1);
  assert.equal(l.resp.size, 1);
});

test('out-of-order, unsolicited and wrong-role messages are protocol errors (disconnect)', () => {
  const l = link(3, 1, 1);
  const isProto = (e: unknown) => e instanceof P2PError && e.verdict === 'disconnect';
  assert.throws(() => l.init.onSketch(new Uint8Array(8)), isProto, 'unsolicited sketch');
  assert.throws(() => l.resp.respondSketch(), isProto, 'sketch without reqrecon');
  assert.throws(() => l.resp.onReqSketchExt(), isProto, 'extension without sketch');
  assert.throws(() => l.resp.onReconcilDiff({ success: true, askShortIds: [] }), isProto);
  assert.throws(() => l.init.onReqRecon({ setSize: 1, q: 1 }), isProto, 'initiator gets reqrecon');
  assert.throws(() => l.resp.requestReconciliation(), isProto, 'responder initiates');
  l.resp.onReqRecon(l.init.requestReconciliation()!);
  assert.equal(l.init.requestReconciliation(), undefined, 'one round at a time');
  assert.throws(() => l.resp.onReqRecon({ setSize: 1, q: 1 }), isProto, 'second reqrecon');
  assert.throws(() => l.init.onSketch(new Uint8Array(6)), isProto, 'partial syndrome');
  assert.throws(() => l.init.onSketch(new Uint8Array(4 * 8193)), P2PError, 'over capacity');
});

test('sets refuse collisions and overflow (those are flooded)', () => {
  const key = computeReconSalt(1n, 2n);
  const s = new ReconciliationState({ role: 'initiator', key, maxSetSize: 2 });
  assert.equal(s.add(wtxid(1)).kind, 'added');
  assert.equal(s.add(wtxid(1)).kind, 'present');
  assert.equal(s.add(wtxid(2)).kind, 'added');
  assert.equal(s.add(wtxid(3)).kind, 'full');
  assert.equal(s.remove(wtxid(1)), true);
  assert.equal(s.has(wtxid(1)), false);
});

test('estimator, scheduler and fanout', () => {
  assert.equal(estimateQ(100, 100, 40, 0.25), 0.4);
  assert.equal(estimateQ(0, 100, 40, 0.25), 0.25);
  assert.ok(estimateSketchCapacity(100, 100, 0.25) >= 26);
  const sch = new ReconciliationScheduler<string>(2000);
  sch.register('a', 0);
  sch.register('b', 0);
  assert.equal(sch.due(1999), undefined);
  assert.equal(sch.due(2000), 'a');
  assert.equal(sch.due(3999), undefined);
  assert.equal(sch.due(4000), 'b');
  assert.equal(
    sch.due(6000, (id) => id === 'a'),
    'b',
    'busy peer skipped',
  );
  const key = computeReconSalt(3n, 4n);
  const cands = Array.from({ length: 8 }, (_, i) => ({ id: `o${i}`, index: i, inbound: false }));
  for (let i = 0; i < 20; i++) cands.push({ id: `i${i}`, index: 100 + i, inbound: true });
  const f = selectFanout(wtxid(5), cands, { key });
  assert.equal(f.filter((x) => x.startsWith('o')).length, 1);
  assert.equal(f.filter((x) => x.startsWith('i')).length, 2);
  assert.deepEqual(selectFanout(wtxid(5), cands, { key }), f, 'deterministic');
  const spread = new Set(
    Array.from({ length: 40 }, (_, i) => selectFanout(wtxid(i), cands, { key })[0]),
  );
  assert.ok(spread.size >= 5, 'different transactions pick different peers');
});
