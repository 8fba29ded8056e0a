import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { computeCapacity, computeMaxElements, MinisketchError } from '../../src/index.ts';

// [bits, maxElements/capacity, fpbits, minisketch_compute_capacity, minisketch_compute_max_elements]
// printed by libminisketch (sipa/minisketch 022b959049dc, built by bench/cppBuild.ts).
const table = JSON.parse(
  readFileSync(new URL('../fixtures/libminisketch-capacity.json', import.meta.url), 'utf8'),
) as [number, number, number, number, number][];

test('computeCapacity / computeMaxElements give libminisketch answers', () => {
  assert.ok(table.length > 700);
  for (const [bits, n, fp, cap, max] of table) {
    assert.equal(computeCapacity(bits, n, fp), cap, `capacity(${bits}, ${n}, ${fp})`);
    assert.equal(computeMaxElements(bits, n, fp), max, `maxElements(${bits}, ${n}, ${fp})`);
  }
});

test('capacity helpers refuse out-of-range arguments with a typed error', () => {
  assert.throws(() => computeCapacity(65, 1, 1), MinisketchError);
  assert.throws(() => computeCapacity(32, -1, 1), MinisketchError);
  assert.throws(() => computeMaxElements(32, 1.5, 1), MinisketchError);
  assert.throws(() => computeMaxElements(32, 1, -2), MinisketchError);
  assert.equal(computeCapacity(0, 5, 5), 0);
});
