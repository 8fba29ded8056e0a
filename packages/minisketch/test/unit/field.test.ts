import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmallField } from '../../src/field/smallField.ts';
import type { GF } from '../../src/field/types.ts';
import { WideField } from '../../src/field/wideField.ts';
import { refMul, refTrace, rng } from './reference.ts';

function check<E, P>(f: GF<E, P>, seed: number): void {
  const bits = f.bits;
  const next = rng(seed);
  for (let i = 0; i < 40; i++) {
    const a = next(bits);
    const b = next(bits);
    const fa = f.fromBigInt(a);
    const fb = f.fromBigInt(b);
    const ab = refMul(bits, a, b);
    assert.equal(f.toBigInt(f.mul(fa, fb)), ab, `${bits}: mul`);
    assert.equal(f.toBigInt(f.mulPrepared(f.prepare(fa), fb)), ab, `${bits}: prepared mul`);
    assert.equal(f.toBigInt(f.sqr(fa)), refMul(bits, a, a), `${bits}: sqr`);
    assert.equal(f.toBigInt(f.mul2(fa)), refMul(bits, a, 2n), `${bits}: mul2`);
    assert.equal(refMul(bits, f.toBigInt(f.inv(fa)), a), 1n, `${bits}: inv`);
    const y = f.solveQuadratic(fa);
    if (y === undefined) assert.equal(refTrace(bits, a), 1n, `${bits}: no root only for trace 1`);
    else {
      const yb = f.toBigInt(y);
      assert.equal(refMul(bits, yb, yb) ^ yb, a, `${bits}: y^2 + y = c`);
    }
  }
}

test('GF(2^b) arithmetic matches schoolbook multiplication for every field size 2..64', () => {
  for (let bits = 2; bits <= 64; bits++) {
    if (bits <= 32) check(new SmallField(bits), bits);
    else check(new WideField(bits), bits);
  }
});

test('every modulus is irreducible: x^(2^b) = x and inverses exist for all of GF(2^b), b <= 12', () => {
  for (let bits = 2; bits <= 12; bits++) {
    const f = new SmallField(bits);
    for (let a = 1; a < 2 ** bits; a++) assert.equal(f.mul(f.inv(a), a), 1, `${bits}: ${a}`);
  }
});
