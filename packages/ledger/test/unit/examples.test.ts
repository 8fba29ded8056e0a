import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickstart } from '../../examples/quickstart.ts';

test('examples/quickstart (the README tour) runs', async () => {
  assert.deepEqual(await quickstart(), { balance: 5n, proofOk: true, reloaded: true });
});
