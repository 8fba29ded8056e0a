import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRelay } from '../../src/relaySim/index.ts';

const small = { nodes: 150, outbound: 8, txRate: 8, durationS: 4, seed: 42 };

test('relay sim: both modes deliver every transaction to every node; Erlay spends fewer announcement bytes', () => {
  const c = compareRelay(small);
  for (const r of [c.flood, c.erlay]) {
    assert.ok(r.transactions > 10);
    assert.equal(r.completed, r.transactions, `${r.mode}: every transaction reached every node`);
    assert.ok(r.reachMs.p50 <= r.reachMs.p90 && r.reachMs.p90 <= r.reachMs.p100);
    // Each node received each body at least once (and sent as much in total over the network).
    assert.ok(r.bytesPerNode.tx >= (r.transactions * (250 + 24) * (r.nodes - 1)) / r.nodes);
  }
  assert.equal(c.flood.bytesPerNode.reconciliation, 0);
  assert.ok(c.erlay.reconciliation.rounds > 0 && c.erlay.bytesPerNode.reconciliation > 0);
  assert.ok(c.erlay.bytesPerNode.announce < c.flood.bytesPerNode.announce, 'fewer inv bytes');
  assert.equal(c.erlay.bytesPerNode.tx, c.flood.bytesPerNode.tx, 'no duplicate bodies either way');
});

test('relay sim is deterministic for a seed and changes with it', () => {
  const a = compareRelay({ ...small, nodes: 80, durationS: 2 });
  const b = compareRelay({ ...small, nodes: 80, durationS: 2 });
  assert.deepEqual(a, b);
  const c = compareRelay({ ...small, nodes: 80, durationS: 2, seed: 43 });
  assert.notDeepEqual(a.erlay.bytesPerNode, c.erlay.bytesPerNode);
});
