import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type RuntimeErrorCode as Code,
  createRuntime,
  ModuleValidationError,
  RuntimeErrorCode,
} from '../../src/index.ts';
import { wat } from '../helpers.ts';

const rt = createRuntime();

function rejects(bytes: Uint8Array, code: Code, pattern: RegExp): ModuleValidationError {
  let err: unknown;
  try {
    rt.validate(bytes);
  } catch (e) {
    err = e;
  }
  assert.ok(
    err instanceof ModuleValidationError,
    `expected ModuleValidationError, got ${String(err)}`,
  );
  assert.equal(err.code, code, err.message);
  assert.match(err.message, pattern);
  return err;
}

const mod = (body: string) => wat(`(module ${body})`);
const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

describe('module validation', () => {
  test('accepts a plain integer module and lists its () -> () methods', () => {
    const info = rt.validate(
      mod(`(import "env" "input_size" (func (result i32)))
        (memory 1) (global $g (mut i64) (i64.const -5))
        (func (export "run") (drop (call 0)))
        (func (export "helper") (param i32) (result i32) local.get 0)`),
    );
    assert.deepEqual(info.methods, ['run']);
    assert.deepEqual(info.imports, ['input_size']);
    assert.equal(info.memoryPages, 1);
  });

  test('rejects a float instruction, naming the function and the byte offset', () => {
    const bytes = mod(`(func (export "a")) (func (export "f") f32.const 1.5 drop)`);
    const e = rejects(
      bytes,
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /floating-point constant is not allowed \(code section, function 1, offset \d+\)/,
    );
    assert.equal(bytes[e.location.offset!], 0x43); // f32.const
  });

  test('rejects float arithmetic and conversions even without float values in signatures', () => {
    rejects(
      mod(`(func (param i32) (drop (f64.convert_i32_s (local.get 0))))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /floating-point conversion/,
    );
    rejects(
      mod(`(memory 1) (func (drop (f64.load (i32.const 0))))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /floating-point memory access/,
    );
    rejects(
      mod(`(func (drop (i32.trunc_sat_f32_s (f32.const 0))))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /floating-point constant/,
    );
  });

  test('rejects float types in signatures, locals, globals and blocks', () => {
    rejects(
      mod(`(func (param f64))`),
      RuntimeErrorCode.FORBIDDEN_TYPE,
      /value type f64 is not allowed \(floating point is not allowed\) \(type section/,
    );
    rejects(
      mod(`(func (local f32))`),
      RuntimeErrorCode.FORBIDDEN_TYPE,
      /local: value type f32.*code section, function 0/,
    );
    rejects(
      mod(`(global f64 (f64.const 0))`),
      RuntimeErrorCode.FORBIDDEN_TYPE,
      /global 0: value type f64/,
    );
    rejects(
      mod(`(func (block (result f32) unreachable) drop)`),
      RuntimeErrorCode.FORBIDDEN_TYPE,
      /block type f32/,
    );
  });

  test('rejects SIMD, atomics, shared memory, tail calls, reference types, exceptions', () => {
    rejects(
      mod(`(func (drop (v128.const i32x4 0 0 0 0)))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /SIMD/,
    );
    rejects(
      mod(`(memory 1) (func (drop (i32.atomic.load (i32.const 0))))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /threads\/atomics/,
    );
    rejects(
      mod(`(memory 1 1 shared)`),
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      /shared memory \(threads\)/,
    );
    rejects(mod(`(func $f return_call $f)`), RuntimeErrorCode.FORBIDDEN_INSTRUCTION, /tail calls/);
    rejects(mod(`(func (param externref))`), RuntimeErrorCode.FORBIDDEN_TYPE, /externref/);
    rejects(
      mod(`(func $f (drop (ref.func $f))) (elem declare func $f)`),
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      /element segment 0/,
    );
    rejects(
      mod(`(memory 1) (data "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)))`),
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      /data segment 0: only active/,
    );
    rejects(
      mod(`(table 1 funcref) (func (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1)))`),
      RuntimeErrorCode.FORBIDDEN_INSTRUCTION,
      /reference instructions|table instructions/,
    );
  });

  test('rejects a start function', () => {
    rejects(
      mod(`(func $s) (start $s)`),
      RuntimeErrorCode.FORBIDDEN_FEATURE,
      /start functions are not allowed/,
    );
  });

  test('rejects imports outside the host API', () => {
    rejects(
      mod(`(import "env" "system" (func))`),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /"env"."system": unknown host function \(import section, offset \d+\)/,
    );
    rejects(
      mod(
        `(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))`,
      ),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /must come from module "env"/,
    );
    rejects(
      mod(`(import "env" "storage_read" (func (param i32) (result i32)))`),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /signature \(i32\)->\(i32\) does not match the host API \(i32,i32,i32,i32\)->\(i32\)/,
    );
    rejects(
      mod(`(import "env" "memory" (memory 1))`),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /only function imports are allowed, not memory/,
    );
    rejects(
      mod(`(import "env" "g" (global i32))`),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /not global/,
    );
    rejects(
      mod(`(import "env" "toString" (func))`),
      RuntimeErrorCode.FORBIDDEN_IMPORT,
      /unknown host function/,
    );
  });

  test('enforces memory, table, locals and count limits', () => {
    rejects(
      mod(`(memory 65)`),
      RuntimeErrorCode.LIMIT_EXCEEDED,
      /memory initial size 65 exceeds the limit of 64 \(memory section/,
    );
    rejects(
      mod(`(table 5000 funcref)`),
      RuntimeErrorCode.LIMIT_EXCEEDED,
      /table initial size 5000/,
    );
    rejects(mod(`(table 1 6000 funcref)`), RuntimeErrorCode.LIMIT_EXCEEDED, /table maximum 6000/);
    const locals = Array.from({ length: 1100 }, () => 'i64').join(' ');
    rejects(
      mod(`(func (local ${locals}))`),
      RuntimeErrorCode.LIMIT_EXCEEDED,
      /1100 locals exceed the limit of 1024/,
    );
    const small = createRuntime({ moduleLimits: { maxFunctions: 2, maxGlobals: 1 } });
    assert.throws(
      () => small.validate(mod(`(func) (func) (func)`)),
      /functions: 3 exceeds the limit of 2/,
    );
    assert.throws(
      () => small.validate(mod(`(global i32 (i32.const 0)) (global i32 (i32.const 1))`)),
      /globals: 2 exceeds the limit of 1/,
    );
    // hand-assembled: one function whose body nests 600 empty blocks (wabt's parser recurses too deeply)
    const body = [0x00, ...Array(600).fill([0x02, 0x40]).flat(), ...Array(601).fill(0x0b)];
    const size = [(body.length & 0x7f) | 0x80, body.length >> 7];
    const code = [0x01, ...size, ...body];
    const deep = new Uint8Array([
      ...header,
      0x01,
      0x04,
      0x01,
      0x60,
      0x00,
      0x00,
      0x03,
      0x02,
      0x01,
      0x00,
      0x0a,
      ...[(code.length & 0x7f) | 0x80, code.length >> 7],
      ...code,
    ]);
    rejects(
      deep,
      RuntimeErrorCode.LIMIT_EXCEEDED,
      /block nesting exceeds the limit of 512 \(code section, function 0/,
    );
  });

  test('rejects reserved export names', () => {
    rejects(
      mod(`(global (export "__keel_gas") i64 (i64.const 0))`),
      RuntimeErrorCode.FORBIDDEN_EXPORT,
      /reserved/,
    );
  });

  test('rejects invalid and truncated bytes', () => {
    rejects(new Uint8Array([1, 2, 3]), RuntimeErrorCode.MALFORMED, /unexpected end: module header/);
    rejects(
      new Uint8Array([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]),
      RuntimeErrorCode.MALFORMED,
      /bad magic/,
    );
    rejects(
      new Uint8Array([...header.slice(0, 4), 2, 0, 0, 0]),
      RuntimeErrorCode.MALFORMED,
      /unsupported binary version/,
    );
    const good = mod(`(memory 1) (func (export "f") (i32.store (i32.const 0) (i32.const 7)))`);
    for (let cut = 9; cut < good.length; cut += 3) {
      assert.throws(() => rt.validate(good.subarray(0, cut)), ModuleValidationError);
    }
  });

  test('rejects absurd section lengths and counts before allocating', () => {
    // type section claiming 0xFFFFFFFF bytes
    rejects(
      new Uint8Array([...header, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      RuntimeErrorCode.MALFORMED,
      /section 1 needs 4294967295 bytes, 0 left/,
    );
    // type section of 5 bytes claiming 100000 types
    rejects(
      new Uint8Array([...header, 0x01, 0x04, 0xa0, 0x8d, 0x06, 0x00]),
      RuntimeErrorCode.LIMIT_EXCEEDED,
      /types: 100000 exceeds the limit of 512/,
    );
    // 400 types in a 3-byte payload
    rejects(
      new Uint8Array([...header, 0x01, 0x03, 0x90, 0x03, 0x60]),
      RuntimeErrorCode.MALFORMED,
      /types: count 400 cannot fit in the 1 bytes left/,
    );
    // an over-long LEB128 (6 bytes) as a section size
    rejects(
      new Uint8Array([...header, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
      RuntimeErrorCode.MALFORMED,
      /u32 LEB128 overflows 32 bits/,
    );
    // sections out of order: function (3) before type (1)
    rejects(
      new Uint8Array([...header, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00]),
      RuntimeErrorCode.MALFORMED,
      /out of order/,
    );
    // module too large
    const big = createRuntime({ moduleLimits: { maxModuleBytes: 16 } });
    assert.throws(() => big.validate(new Uint8Array(17)), /module is 17 bytes, limit 16/);
  });

  test('WebAssembly.validate catches type errors our scan does not model', () => {
    rejects(
      mod(`(func (result i32) i64.const 1)`).map((b) => b),
      RuntimeErrorCode.INVALID_MODULE,
      /WebAssembly.validate rejected/,
    );
  });
});
