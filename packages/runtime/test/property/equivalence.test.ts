import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  analyzeModule,
  defaultExecutionLimits,
  defaultGasCosts,
  defaultModuleLimits,
  GAS_EXPORT,
  instrumentModule,
  STACK_EXPORT,
} from '../../src/index.ts';
import { wasmEngine } from '../../src/wasm/engine.ts';
import { STORE } from '../contracts.ts';
import { wat, world } from '../helpers.ts';

// Control flow the rewriter must preserve: early returns at several depths, br_table,
// multi-value blocks with params, if/else with results, loops, indirect calls, memory ops.
const KITCHEN = wat(`(module
  (type $bin (func (param i64 i64) (result i64)))
  (memory 1 4) (table 3 funcref) (elem (i32.const 0) $add $mix $sub)
  (global $acc (mut i64) (i64.const 0))
  (func $add (type $bin) (i64.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i64.sub (local.get 0) (local.get 1)))
  (func $mix (type $bin) (i64.xor (i64.rotl (local.get 0) (i64.const 13)) (i64.mul (local.get 1) (i64.const 0x9e3779b97f4a7c15))))
  (func $pair (param $x i32) (result i32 i64)
    (local.get $x) (i64.extend_i32_s (i32.extend8_s (local.get $x))))
  (func $early (param $x i32) (result i64)
    (block $a
      (block $b
        (br_table $a $b 0 (i32.and (local.get $x) (i32.const 3))))
      (if (i32.gt_u (local.get $x) (i32.const 100)) (then (return (i64.const 7))))
      (return (i64.extend_i32_u (local.get $x))))
    (local.set $x (i32.and (local.get $x) (i32.const 255)))
    (loop $l (result i64)
      (local.set $x (i32.sub (local.get $x) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $x) (i32.const 10)))
      (i64.extend_i32_u (local.get $x))))
  (func (export "f") (param $x i32) (param $y i64) (result i64) (local $i i32) (local $h i64)
    (local.set $h (local.get $y))
    (i32.store (i32.const 8) (local.get $x))
    (memory.fill (i32.const 16) (local.get $x) (i32.const 40))
    (memory.copy (i32.const 64) (i32.const 8) (i32.const 48))
    (drop (memory.grow (i32.and (local.get $x) (i32.const 1))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.and (local.get $x) (i32.const 31))))
        (local.set $h (call_indirect (type $bin) (local.get $h) (i64.load (i32.const 64))
          (i32.rem_u (local.get $i) (i32.const 3))))
        (local.set $h (i64.add (local.get $h) (call $early (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $pair (local.get $x))
    (block (param i32 i64) (result i64)
      (local.set $h (i64.add (local.get $h)))
      (i64.extend_i32_u)
      (if (result i64) (i64.eqz (local.get $h)) (then (i64.const 1)) (else (local.get $h)))
      (i64.add))
    (global.set $acc (i64.add (global.get $acc) (memory.size) (i64.extend_i32_u)))
    (select (global.get $acc) (i64.const 0) (i32.eqz (local.get $x)))
    (i64.add)))`);

type F = (x: number, y: bigint) => bigint;

function instances(): { plain: F; metered: F; gas: { value: bigint } } {
  const plain = new wasmEngine.Instance(new wasmEngine.Module(KITCHEN), {}).exports.f as F;
  const a = analyzeModule(KITCHEN, defaultModuleLimits, defaultGasCosts);
  const o = {
    costs: defaultGasCosts,
    moduleLimits: defaultModuleLimits,
    executionLimits: defaultExecutionLimits,
  };
  const inst = new wasmEngine.Instance(new wasmEngine.Module(instrumentModule(a, o).bytes), {});
  const gas = inst.exports[GAS_EXPORT] as { value: bigint };
  (inst.exports[STACK_EXPORT] as { value: number }).value = 1 << 20;
  return { plain, metered: inst.exports.f as F, gas };
}

describe('instrumentation preserves semantics', () => {
  test('metered and unmetered modules compute the same results', () => {
    const { plain, metered, gas } = instances();
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        (x, y) => {
          gas.value = 1n << 40n;
          assert.equal(metered(x, y), plain(x, y));
          assert.ok(gas.value < 1n << 40n); // something was charged
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  test('gas is a pure function of the execution path', () => {
    const { metered, gas } = instances();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (x) => {
        gas.value = 1n << 40n;
        metered(x, 1n);
        const first = gas.value;
        gas.value = 1n << 40n;
        metered(x, 1n);
        assert.equal(gas.value, first);
      }),
      { numRuns: 100, seed: 8 },
    );
  });
});

describe('execution is deterministic', () => {
  test('the same call from the same state gives the same result, gas and state', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: 40_000 }),
        fc.constantFrom('put', 'get', 'tput', 'del'),
        (input, gasLimit, method) => {
          const run = () => {
            const w = world();
            const c = w.deploy(2, STORE);
            w.call(c, 'put', { input: new Uint8Array([1, 2, 3]) });
            const r = w.call(c, method, { input, gasLimit });
            return { r, stored: w.backend.getStorage(c, new Uint8Array([0x6b])) };
          };
          assert.deepEqual(run(), run());
        },
      ),
      { numRuns: 60, seed: 9 },
    );
  });
});
