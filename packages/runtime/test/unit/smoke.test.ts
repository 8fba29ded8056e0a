import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readU32le, wat, world } from '../helpers.ts';

const COUNTER = `(module
  (import "env" "storage_read" (func $sr (param i32 i32 i32 i32) (result i32)))
  (import "env" "storage_write" (func $sw (param i32 i32 i32 i32)))
  (import "env" "return_data" (func $ret (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "count")
  (func (export "increment")
    (drop (call $sr (i32.const 0) (i32.const 5) (i32.const 16) (i32.const 4)))
    (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
    (call $sw (i32.const 0) (i32.const 5) (i32.const 16) (i32.const 4))
    (call $ret (i32.const 16) (i32.const 4))))`;

test('counter smoke', () => {
  const w = world();
  const c = w.deploy(2, wat(COUNTER));
  for (let i = 1; i <= 3; i++) {
    const r = w.call(c, 'increment');
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(readU32le(r.returnData), i);
  }
});
