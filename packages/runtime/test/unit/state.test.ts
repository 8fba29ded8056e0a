import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { utf8ToBytes } from '@keel/util';
import { JournaledState, MemoryStateBackend, RuntimeError } from '../../src/index.ts';
import { addr } from '../helpers.ts';

const A = addr(1);
const B = addr(2);
const k = (s: string) => utf8ToBytes(s);
const log = (s: string) => ({ address: A, topics: [], data: k(s) });

function setup() {
  const backend = new MemoryStateBackend();
  backend.setBalance(A, 100n);
  backend.apply({ storage: [{ address: A, key: k('x'), value: k('base') }], balances: [] });
  return { backend, s: new JournaledState(backend) };
}

describe('JournaledState', () => {
  test('nested frames: inner commit merges into outer, outer revert undoes both', () => {
    const { backend, s } = setup();
    s.beginTx();
    const outer = s.checkpoint();
    s.setStorage(A, k('x'), k('outer'));
    const inner = s.checkpoint();
    s.setStorage(A, k('x'), k('inner'));
    s.setStorage(A, k('y'), k('new'));
    assert.ok(s.transfer(A, B, 30n));
    s.emitLog(log('inner'));
    s.commitCheckpoint(inner);
    assert.deepEqual(s.getStorage(A, k('x')), k('inner'));
    assert.equal(s.getBalance(B), 30n);
    s.revertCheckpoint(outer);
    assert.deepEqual(s.getStorage(A, k('x')), k('base'));
    assert.equal(s.getStorage(A, k('y')), undefined);
    assert.equal(s.getBalance(A), 100n);
    assert.equal(s.getBalance(B), 0n);
    assert.equal(s.logs().length, 0);
    s.commitTx();
    assert.deepEqual(backend.getStorage(A, k('x')), k('base'));
  });

  test("inner revert keeps the outer frame's writes; removal is journaled too", () => {
    const { backend, s } = setup();
    s.beginTx();
    const outer = s.checkpoint();
    s.setStorage(A, k('x'), undefined);
    s.emitLog(log('outer'));
    const inner = s.checkpoint();
    s.setStorage(A, k('x'), k('inner'));
    s.setTransient(A, k('t'), k('tv'));
    s.emitLog(log('inner'));
    s.revertCheckpoint(inner);
    assert.equal(s.getStorage(A, k('x')), undefined);
    assert.equal(s.getTransient(A, k('t')), undefined);
    assert.deepEqual(
      s.logs().map((l) => l.data),
      [k('outer')],
    );
    s.commitCheckpoint(outer);
    const { logs } = s.commitTx();
    assert.equal(logs.length, 1);
    assert.equal(backend.getStorage(A, k('x')), undefined);
  });

  test('a transaction commits atomically or not at all; transient storage never persists', () => {
    const { backend, s } = setup();
    s.beginTx();
    s.setStorage(A, k('z'), k('1'));
    s.setTransient(A, k('t'), k('1'));
    s.rollbackTx();
    assert.equal(backend.getStorage(A, k('z')), undefined);
    s.beginTx();
    assert.equal(s.getTransient(A, k('t')), undefined);
    s.setStorage(A, k('z'), k('2'));
    s.setTransient(A, k('t'), k('2'));
    assert.equal(s.transfer(A, B, 101n), false);
    s.commitTx();
    assert.deepEqual(backend.getStorage(A, k('z')), k('2'));
    s.beginTx();
    assert.equal(s.getTransient(A, k('t')), undefined);
    s.commitTx();
  });

  test('misuse is a typed error', () => {
    const { s } = setup();
    assert.throws(() => s.setStorage(A, k('a'), k('b')), RuntimeError);
    s.beginTx();
    assert.throws(() => s.beginTx(), /already open/);
    const a = s.checkpoint();
    s.checkpoint();
    assert.throws(() => s.commitCheckpoint(a), /not the innermost/);
    assert.throws(() => s.commitTx(), /frame\(s\) still open/);
    s.revertCheckpoint(a); // closes the inner frame too
    assert.throws(() => s.revertCheckpoint(a), /not open/);
    s.commitTx();
  });
});
