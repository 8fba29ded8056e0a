import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToBytes, MemoryKvStore } from '../../src/index.ts';

test('MemoryKvStore: get/put/del, atomic batch, ordered range iteration, no aliasing', async () => {
  const db = new MemoryKvStore();
  const v = hexToBytes('01');
  await db.put(hexToBytes('02'), v);
  v[0] = 9;
  assert.deepEqual(await db.get(hexToBytes('02')), hexToBytes('01'));
  await db.batch([
    { key: hexToBytes('01'), value: hexToBytes('aa') },
    { key: hexToBytes('03'), value: hexToBytes('cc') },
    { key: hexToBytes('02'), value: undefined },
  ]);
  assert.equal(await db.get(hexToBytes('02')), undefined);
  const keys: string[] = [];
  for await (const [k] of db.iterate({ gte: hexToBytes('01'), lt: hexToBytes('04') }))
    keys.push(Buffer.from(k).toString('hex'));
  assert.deepEqual(keys, ['01', '03']);
  await db.del(hexToBytes('01'));
  assert.equal(await db.get(hexToBytes('01')), undefined);
});
