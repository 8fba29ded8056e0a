import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { addToBloom, BLOOM_BYTES, logsBloom, orBloom } from '../../src/block/bloom.ts';

// Two logs and their bloom, the hard-coded case of erigontech/silkworm
// core/silkworm/types/bloom_test.cpp ("Hardcoded Bloom").
const LOGS = [
  {
    address: hexToBytes('22341ae42d6dd7384bc8584e50419ea3ac75b83f'),
    topics: [hexToBytes('04491edcd115127caedbd478e2e7895ed80c7847e903431f94f9cfa579cad47f')],
    data: new Uint8Array(0),
  },
  {
    address: hexToBytes('e7fb22dfef11920312e4989a3a2b81e2ebf05986'),
    topics: [
      hexToBytes('7f1fef85c4b037150d3675218e0cdb7cf38fea354759471e309f3354918a442f'),
      hexToBytes('d85629c7eaae9ea4a10234fed31bc0aeda29b2683ebe0c1882499d272621f6b6'),
    ],
    data: hexToBytes('2d690516512020171c1ec870f6ff45398cc8609250326be89915fb538e7b'),
  },
];
const BLOOM =
  '000000000000000000810000000000000000000000000000000000020000000000000000000000000000008000' +
  '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
  '000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000' +
  '000000000000000000000000000000000000000000000000000000280000000000400000800000004000000000' +
  '000000000000000000000000000000000000000000000000000000000000100000100000000000000000000000' +
  '00000000001400000000000000008000000000000000000000000000000000';

test('logs bloom of a fixed pair of logs', () => {
  assert.equal(BLOOM.length, 2 * BLOOM_BYTES);
  assert.equal(bytesToHex(logsBloom(LOGS)), BLOOM);
});

test('the bloom ignores log data and is the OR of per-log blooms', () => {
  const withoutData = LOGS.map((l) => ({ ...l, data: new Uint8Array(0) }));
  assert.equal(bytesToHex(logsBloom(withoutData)), BLOOM);
  const acc = logsBloom([LOGS[0]!]);
  orBloom(acc, logsBloom([LOGS[1]!]));
  assert.equal(bytesToHex(acc), BLOOM);
});

test('no logs: the zero bloom; one item sets at most 3 bits', () => {
  assert.equal(bytesToHex(logsBloom([])), '00'.repeat(BLOOM_BYTES));
  const b = new Uint8Array(BLOOM_BYTES);
  addToBloom(b, LOGS[0]!.address);
  let bits = 0;
  for (const x of b) for (let i = 0; i < 8; i++) bits += (x >> i) & 1;
  assert.ok(bits >= 1 && bits <= 3);
});
