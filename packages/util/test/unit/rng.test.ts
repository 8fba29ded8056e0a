import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '../../src/index.ts';

test('SeededRng: same seed, same sequence; different seeds differ; ranges hold', () => {
  const a = new SeededRng('seed');
  const b = new SeededRng('seed');
  const c = new SeededRng('other');
  const xs = Array.from({ length: 100 }, () => a.nextU32());
  assert.deepEqual(
    xs,
    Array.from({ length: 100 }, () => b.nextU32()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 100 }, () => c.nextU32()),
  );
  for (let i = 0; i < 1000; i++) {
    const v = a.int(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7);
    const r = a.range(-3, 3);
    assert.ok(r >= -3 && r <= 3);
  }
  assert.equal(a.chance(0), false);
  assert.equal(a.bytes(5).length, 5);
  assert.equal(new SeededRng(1).fork('x').nextU32(), new SeededRng(1).fork('x').nextU32());
});
