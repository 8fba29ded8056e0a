// The README's example, run as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCapacity, createMinisketch, createMinisketchFromBytes } from '../../src/index.ts';

test('README: API example', () => {
  const ours = createMinisketch(32, 8).add(1).add(2).add(3);
  const peerBytes = createMinisketch(32, 8).add(2).add(3).add(4).serialize();
  const theirs = createMinisketchFromBytes(32, 8, peerBytes);
  ours.merge(theirs);
  assert.deepEqual(ours.decode(), [1n, 4n]);
  assert.deepEqual(ours.decodeNumbers(), [1, 4]);
  assert.equal(computeCapacity(32, 10, 64), 12);
});
