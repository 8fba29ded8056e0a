// The README's Erlay example, run as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeReconSalt, ReconciliationState } from '../../src/index.ts';

test('README: Erlay reconciliation round', () => {
  const wtxid = (n: number) => new Uint8Array(32).fill(n);
  // --- README example ---
  const key = computeReconSalt(0x1111n, 0x2222n); // our and the peer's sendtxrcncl salts
  const alice = new ReconciliationState({ role: 'initiator', key }); // we connected out
  const bob = new ReconciliationState({ role: 'responder', key });
  for (let n = 1; n <= 10; n++) alice.add(wtxid(n));
  for (let n = 2; n <= 11; n++) bob.add(wtxid(n));
  bob.onReqRecon(alice.requestReconciliation()!); // reqrecon
  const step = alice.onSketch(bob.respondSketch()); // sketch
  if (step.kind === 'extend') throw new Error('would send reqsketchext');
  const toAlice = bob.onReconcilDiff(step.diff); // reconcildiff
  // step.announce: inv to bob (tx 1); toAlice: inv to alice (tx 11)
  // --- end ---
  assert.deepEqual(step.announce, [wtxid(1)]);
  assert.deepEqual(toAlice, [wtxid(11)]);
});
