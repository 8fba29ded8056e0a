import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPrecompile, PRECOMPILE_ADDRESSES } from '../../src/precompiles/index.ts';

test('Cancun has precompiles at 0x01..0x0a and nowhere else', () => {
  assert.equal(PRECOMPILE_ADDRESSES.length, 10);
  for (const [i, a] of PRECOMPILE_ADDRESSES.entries()) {
    assert.equal(a.length, 20);
    assert.ok(a.subarray(0, 19).every((b) => b === 0));
    assert.equal(a[19], i + 1);
    assert.ok(getPrecompile(a));
  }
  const at = (last: number, first = 0) => {
    const a = new Uint8Array(20);
    a[0] = first;
    a[19] = last;
    return a;
  };
  assert.equal(getPrecompile(at(0)), undefined);
  assert.equal(getPrecompile(at(0x0b)), undefined, '0x0b is BLS12-381 (Prague), not Cancun');
  assert.equal(getPrecompile(at(1, 1)), undefined);
  assert.equal(getPrecompile(new Uint8Array(19)), undefined);
});
