import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeededRng } from '@keel/test-utils';
import { createRuntime, ModuleValidationError } from '../../src/index.ts';
import { wasmEngine } from '../../src/wasm/engine.ts';
import { CALLER, callee, DEEP, STORE } from '../contracts.ts';
import { addr, wat } from '../helpers.ts';

const rt = createRuntime();
const corpus = [
  STORE,
  CALLER,
  DEEP,
  callee(addr(9)),
  wat(`(module (memory 1 2) (table 2 funcref)
  (elem (i32.const 0) $a $b) (global $g (mut i64) (i64.const 9))
  (func $a (result i32) (i32.const 1)) (func $b (result i32) (i32.const 2))
  (func (export "x") (drop (call_indirect (result i32) (i32.const 1)))
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 10))
    (drop (memory.grow (i32.const 1))) (global.set $g (i64.extend8_s (global.get $g))))
  (data (i32.const 3) "xyz"))`),
];

/** Validation must either accept (and then the instrumented module compiles) or throw a typed error. */
function check(bytes: Uint8Array): 'ok' | 'rejected' {
  const t0 = performance.now();
  try {
    rt.validate(bytes);
    assert.ok(wasmEngine.validate(bytes), 'accepted a module V8 rejects');
    return 'ok';
  } catch (e) {
    if (!(e instanceof ModuleValidationError)) {
      assert.fail(`untyped failure on ${Buffer.from(bytes).toString('hex')}: ${String(e)}`);
    }
    return 'rejected';
  } finally {
    assert.ok(performance.now() - t0 < 1000, 'validation took too long');
  }
}

function mutate(rng: SeededRng, src: Uint8Array): Uint8Array {
  const b = Array.from(src);
  const n = 1 + rng.int(2);
  for (let i = 0; i < n; i++) {
    const at = 8 + rng.int(Math.max(1, b.length - 8));
    switch (rng.int(5)) {
      case 0:
        b[at] = rng.int(256);
        break;
      case 1:
        b[at] = [0x00, 0x7f, 0x80, 0xff, 0x0b, 0x40, 0x7d, 0xfc, 0xfd][rng.int(9)]!;
        break;
      case 2:
        b.splice(at, 1);
        break;
      case 3:
        b.splice(at, 0, rng.int(256));
        break;
      default:
        b.length = Math.min(b.length, at);
    }
  }
  return new Uint8Array(b);
}

describe('validator fuzzing', () => {
  test('random bytes: typed rejection, never a crash or a hang', () => {
    const rng = new SeededRng('runtime-fuzz-random');
    for (let i = 0; i < 2000; i++) {
      const body = rng.bytes(rng.int(64));
      const bytes = i % 2 ? new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...body]) : body;
      check(bytes);
    }
  });

  test('mutated valid modules: accepted ones instrument and compile, others are typed rejections', () => {
    const rng = new SeededRng('runtime-fuzz-mutate');
    const seen = { ok: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      seen[check(mutate(rng, corpus[i % corpus.length]!))]++;
    }
    // both outcomes occur, so the loop exercises the rewriter as well as the rejections
    assert.ok(seen.ok > 50 && seen.rejected > 500, JSON.stringify(seen));
  });
});
