import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  defaultGasCosts as C,
  defaultExecutionLimits as L,
  RuntimeErrorCode,
} from '../../src/index.ts';
import { u32le, wat, world } from '../helpers.ts';

// Gas figures below are counted by hand from the documented cost table (defaultGasCosts):
// each comment lists the instructions of one basic block.

const COUNTDOWN = wat(`(module
  (func (export "run") (local $i i32)
    (local.set $i (i32.const 1000))
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i)))))`);
// entry block: i32.const, local.set, loop
const ENTRY = C.local + C.local + C.structural;
// loop body: local.get, i32.const, i32.sub, local.set, local.get, br_if
const ITER = C.local + C.local + C.alu + C.local + C.local + C.branch;
// the blocks after br_if and after the loop hold only `end`s (structural)
const COUNTDOWN_GAS = ENTRY + 1000 * ITER + 2 * C.structural;

describe('gas metering', () => {
  test('a loop costs exactly the hand-counted figure', () => {
    assert.equal(COUNTDOWN_GAS, 7002); // 2 + 1000 * 7 with the default table
    const w = world();
    const c = w.deploy(2, COUNTDOWN);
    const ok = w.call(c, 'run', { gasLimit: COUNTDOWN_GAS });
    assert.equal(ok.status, 'ok');
    assert.equal(ok.gasUsed, COUNTDOWN_GAS);
    const oog = w.call(c, 'run', { gasLimit: COUNTDOWN_GAS - 1 });
    assert.equal(oog.status, 'out_of_gas');
    assert.equal(oog.gasUsed, COUNTDOWN_GAS - 1);
    assert.equal(oog.error?.code, RuntimeErrorCode.OUT_OF_GAS);
  });

  test('an infinite loop stops at the limit and reports the limit as used', () => {
    const w = world();
    const c = w.deploy(2, wat(`(module (func (export "spin") (loop $l (br $l))))`));
    for (const limit of [0, 1, 2, 3, 1_000_001]) {
      const r = w.call(c, 'spin', { gasLimit: limit });
      assert.equal(r.status, 'out_of_gas');
      assert.equal(r.gasUsed, limit);
    }
  });

  test('host calls charge before working: gas_left sees every earlier charge', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(`(module
        (import "env" "gas_left" (func $gl (result i64)))
        (import "env" "return_data" (func $ret (param i32 i32)))
        (memory 1)
        (func (export "g")
          (i64.store (i32.const 0) (call $gl))
          (call $ret (i32.const 0) (i32.const 8))))`),
    );
    // one block: i32.const, call, i64.store, i32.const, i32.const, call
    const block = C.local + C.call + C.store + C.local + C.local + C.call;
    const setup = C.instancePage * 1;
    const r = w.call(c, 'g', { gasLimit: 100_000 });
    assert.equal(r.status, 'ok');
    const seen = new DataView(r.returnData.buffer).getBigUint64(0, true);
    assert.equal(seen, BigInt(100_000 - setup - block - C.hostCall));
    assert.equal(r.gasUsed, setup + block + C.hostCall + (C.hostCall + 8 * C.hostByte));
  });

  test('memory.grow is charged per requested page and capped at the page limit', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(`(module
        (import "env" "input_read" (func $in (param i32 i32 i32)))
        (import "env" "return_data" (func $ret (param i32 i32)))
        (memory 1)
        (func (export "grow")
          (call $in (i32.const 0) (i32.const 0) (i32.const 4))
          (i32.store (i32.const 0) (memory.grow (i32.load (i32.const 0))))
          (call $ret (i32.const 0) (i32.const 4))))`),
    );
    // one block: 3x i32.const, call, i32.const, i32.const, i32.load, memory.grow, i32.store,
    // 2x i32.const, call
    const block =
      3 * C.local + C.call + 2 * C.local + C.load + C.memoryGrow + C.store + 2 * C.local + C.call;
    const host = C.hostCall + 4 * C.hostByte + (C.hostCall + 4 * C.hostByte);
    const grow = (pages: number) =>
      w.call(c, 'grow', { input: u32le(pages), gasLimit: 10_000_000 });
    const r3 = grow(3);
    assert.equal(r3.status, 'ok');
    assert.equal(new DataView(r3.returnData.buffer).getInt32(0, true), 1); // old size
    assert.equal(r3.gasUsed, C.instancePage + block + host + 3 * C.memoryGrowPage);
    const r100 = grow(100); // 1 + 100 > 64 pages: fails, still charged
    assert.equal(new DataView(r100.returnData.buffer).getInt32(0, true), -1);
    assert.equal(r100.gasUsed, C.instancePage + block + host + 100 * C.memoryGrowPage);
    const huge = grow(0xffff_ffff); // 2^32-1 pages cannot be paid for
    assert.equal(huge.status, 'out_of_gas');
  });

  test('memory.copy / memory.fill are charged per 32-byte word', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(`(module (memory 1)
        (func (export "fill") (memory.fill (i32.const 0) (i32.const 7) (i32.const 65)))
        (func (export "copy") (memory.copy (i32.const 100) (i32.const 0) (i32.const 64))))`),
    );
    const block = 3 * C.local + C.bulkMemory;
    assert.equal(w.call(c, 'fill').gasUsed, C.instancePage + block + 3 * C.bulkMemoryWord); // 65 bytes: 3 words
    assert.equal(w.call(c, 'copy').gasUsed, C.instancePage + block + 2 * C.bulkMemoryWord);
  });

  test('a wasm trap keeps all gas and names the trap', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(
        `(module (memory 1) (func (export "oob") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 100))))`,
      ),
    );
    const r = w.call(c, 'oob', { gasLimit: 10_000 });
    assert.equal(r.status, 'trap');
    assert.equal(r.error?.code, RuntimeErrorCode.TRAP);
    assert.match(r.error!.message, /out of bounds/);
    assert.equal(r.gasUsed, 10_000);
  });

  test('branches charge only the blocks that run (if/else, br_table, return)', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(`(module
        (import "env" "input_size" (func $n (result i32)))
        (func (export "pick") (local $x i32)
          (if (call $n)
            (then (local.set $x (i32.const 1)) (return))
            (else (local.set $x (i32.const 2)) (local.set $x (i32.const 3))))
          (drop (local.get $x))))`),
    );
    // entry: call, if | then: i32.const, local.set, return | else: i32.const, local.set,
    // i32.const, local.set, (end) | after if: local.get, drop
    const entry = C.call + C.branch + C.hostCall;
    const thenB = C.local + C.local + C.branch;
    const elseB = 4 * C.local + C.structural;
    const after = C.local + C.local;
    assert.equal(w.call(c, 'pick', { input: new Uint8Array(1) }).gasUsed, entry + thenB);
    assert.equal(w.call(c, 'pick').gasUsed, entry + elseB + after);
  });
});

describe('stack height limiter', () => {
  const RECURSE = wat(`(module
    (import "env" "input_read" (func $in (param i32 i32 i32)))
    (memory 1)
    (global $N (mut i32) (i32.const 0))
    (func $f (param $n i32)
      (if (i32.lt_u (local.get $n) (global.get $N))
        (then (call $f (i32.add (local.get $n) (i32.const 1))))))
    (func (export "run")
      (call $in (i32.const 0) (i32.const 0) (i32.const 4))
      (global.set $N (i32.load (i32.const 0)))
      (call $f (i32.const 0))))`);
  // frame = overhead + params + locals + max operand stack height
  // $f: 1 param, no locals, max stack 2 (local.get, global.get before i32.lt_u)
  const F = L.frameOverheadUnits + 1 + 0 + 2;
  // run: max stack 3 (three i32.const before the input_read call)
  const RUN = L.frameOverheadUnits + 0 + 0 + 3;
  // f(0)..f(N) is N+1 frames; the deepest N that fits the budget:
  const MAX_N = Math.floor((L.maxStackUnits - RUN) / F) - 1;

  test('frame costs follow the documented formula', () => {
    const w = world();
    assert.deepEqual(w.rt.validate(RECURSE).frameCosts, [F, RUN]);
  });

  test('recursion fails with STACK_OVERFLOW at a deterministic depth', () => {
    assert.equal(MAX_N, 2976); // floor((32768 - 11) / 11) - 1 with the defaults
    const w = world();
    const c = w.deploy(2, RECURSE);
    const run = (n: number) => w.call(c, 'run', { input: u32le(n), gasLimit: 50_000_000 });
    assert.equal(run(MAX_N).status, 'ok');
    for (let i = 0; i < 3; i++) {
      const r = run(MAX_N + 1);
      assert.equal(r.status, 'trap');
      assert.equal(r.error?.code, RuntimeErrorCode.STACK_OVERFLOW);
      assert.equal(r.gasUsed, 50_000_000);
    }
  });

  test('unbounded recursion never reaches V8s own stack limit', () => {
    const w = world();
    const c = w.deploy(
      2,
      wat(`(module
        (func $tiny (call $tiny))
        (func $fat (param i64 i64 i64 i64) (local i64 i64 i64 i64 i64 i64 i64 i64)
          (call $fat (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
        (func (export "tiny") (call $tiny))
        (func (export "fat") (call $fat (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4))))`),
    );
    for (const m of ['tiny', 'fat']) {
      const r = w.call(c, m, { gasLimit: 1e9 });
      assert.equal(r.error?.code, RuntimeErrorCode.STACK_OVERFLOW, `${m}: ${r.error?.message}`);
      assert.match(r.error!.message, /stack height limit exceeded/);
    }
  });

  test('a smaller budget is honoured', () => {
    const w = world({ executionLimits: { maxStackUnits: 1000 } });
    const c = w.deploy(2, RECURSE);
    const max = Math.floor((1000 - RUN) / F) - 1;
    assert.equal(w.call(c, 'run', { input: u32le(max) }).status, 'ok');
    assert.equal(
      w.call(c, 'run', { input: u32le(max + 1) }).error?.code,
      RuntimeErrorCode.STACK_OVERFLOW,
    );
  });
});
