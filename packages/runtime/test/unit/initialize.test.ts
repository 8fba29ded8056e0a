import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRuntime, ModuleValidationError, RuntimeErrorCode } from '../../src/index.ts';
import { wat, world } from '../helpers.ts';

const module = (init: string) =>
  wat(`(module
    (import "env" "return_data" (func $ret (param i32 i32)))
    (memory 1)
    (global $g (mut i32) (i32.const 1))
    ${init}
    (func (export "get")
      (i32.store (i32.const 0) (global.get $g))
      (call $ret (i32.const 0) (i32.const 4))))`);

const WITH_INIT = module('(func (export "_initialize") (global.set $g (i32.const 41)))');
const WITHOUT = module('');

describe('_initialize (reactor convention)', () => {
  test('runs before every method, is metered, and is not a method', () => {
    const w = world();
    const a = w.deploy(1, WITH_INIT);
    const b = w.deploy(2, WITHOUT);
    assert.deepEqual(w.rt.validate(WITH_INIT).methods, ['get']);
    const r1 = w.call(a, 'get', { gasLimit: 10_000 });
    assert.equal(r1.status, 'ok');
    assert.deepEqual([...r1.returnData], [41, 0, 0, 0]);
    const r2 = w.call(b, 'get', { gasLimit: 10_000 });
    assert.deepEqual([...r2.returnData], [1, 0, 0, 0]);
    // the initializer's one block: i32.const (1) + global.set (2), per the cost table
    assert.equal(r1.gasUsed - r2.gasUsed, 3);
    const again = w.call(a, 'get', { gasLimit: 10_000 });
    assert.deepEqual([...again.returnData], [41, 0, 0, 0], 'fresh instance, initializer again');
    const direct = w.call(a, '_initialize', { gasLimit: 10_000 });
    assert.equal(direct.status, 'trap');
    assert.equal(direct.error?.code, RuntimeErrorCode.UNKNOWN_METHOD);
  });

  test('an _initialize export of another type is rejected', () => {
    const bad = module('(func (export "_initialize") (param i32))');
    assert.throws(
      () => createRuntime().validate(bad),
      (e: unknown) =>
        e instanceof ModuleValidationError &&
        e.code === RuntimeErrorCode.FORBIDDEN_EXPORT &&
        /_initialize" must be a \(\) -> \(\) function/.test(e.message),
    );
  });
});
