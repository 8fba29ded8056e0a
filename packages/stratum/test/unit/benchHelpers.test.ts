import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  jobShareStream,
  measureShareValidation,
  sv1WireBytes,
  sv2WireBytes,
} from '../../src/index.ts';

test('wire-size helpers: SV2 sizes are the encoded frames; SV1 is larger for the same stream', () => {
  const events = jobShareStream({ jobs: 5, sharesPerJob: 20, channel: 'standard' });
  assert.equal(events.length, 5);
  const plain = sv2WireBytes(events, { channel: 'standard', encrypted: false });
  // Standard share: 6 + 24 bytes; Success: 6 + 20 bytes (05 §5.3.11, §5.3.13).
  assert.equal(plain.perShare, 30 + 26);
  const enc = sv2WireBytes(events, { channel: 'standard', encrypted: true });
  assert.equal(enc.perShare, 22 + 24 + 16 + 22 + 20 + 16);
  // SetNewPrevHash (6+48) + a future NewMiningJob, min_ntime absent (6+4+4+1+4+32), per job.
  assert.equal(plain.perJob, 54 + 51);
  // Batched acks and one prev hash per 4 jobs: 19 of 20 shares carry no ack; later jobs carry min_ntime.
  const batched = sv2WireBytes(events, {
    channel: 'standard',
    encrypted: false,
    successBatch: 20,
    prevHashEvery: 4,
  });
  assert.equal(batched.shareBytes, 100 * 30 + 5 * 26);
  assert.equal(batched.jobBytes, 2 * 54 + 2 * 51 + 3 * 55);
  const sv1 = sv1WireBytes(events);
  assert.ok(enc.total < sv1.total, `${enc.total} vs ${sv1.total}`);
  const ext = jobShareStream({ jobs: 2, sharesPerJob: 3, channel: 'extended' });
  const e = sv2WireBytes(ext, { channel: 'extended', encrypted: false });
  assert.equal(e.perShare, 6 + 24 + 1 + 8 + 26);
  // The NewExtendedMiningJob the helper sizes is a real frame that decodes.
  const wire = encodeMessage({
    type: 'SetTarget',
    payload: { channelId: 1, maximumTarget: new Uint8Array(32) },
  });
  assert.equal(decodeMessage(wire).type, 'SetTarget');
});

test('measureShareValidation validates every share with an injected clock', () => {
  let t = 0;
  const r = measureShareValidation({ shares: 50, channel: 'extended', now: () => (t += 500) });
  assert.equal(r.shares, 50);
  assert.equal(r.seconds, 0.5);
  assert.equal(r.sharesPerSecond, 100);
});
