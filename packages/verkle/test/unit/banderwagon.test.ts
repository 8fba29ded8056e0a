import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BANDERSNATCH_D,
  deserializeElement,
  ExtPoint,
  elementEquals,
  FP_MODULUS,
  FR_MODULUS,
  GENERATOR,
  IDENTITY,
  serializeElement,
  tryDeserializeElement,
  VerkleError,
} from '../../src/index.ts';

const be = (x: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
};

test('the generator has order r and round-trips through the compressed form', () => {
  assert.ok(elementEquals(GENERATOR.mul(FR_MODULUS), IDENTITY));
  const p = GENERATOR.mul(123456789n);
  assert.ok(elementEquals(deserializeElement(serializeElement(p)), p));
});

test('P and P + (0,-1) are the same Banderwagon element and encode identically', () => {
  const p = GENERATOR.mul(77n);
  const twin = new ExtPoint(FP_MODULUS - p.X, FP_MODULUS - p.Y, p.Z, p.T);
  assert.ok(elementEquals(p, twin));
  assert.deepEqual(serializeElement(p), serializeElement(twin));
  assert.ok(!elementEquals(p, p.negate()));
});

test('identity encodes as zero and decodes back', () => {
  assert.deepEqual(serializeElement(IDENTITY), new Uint8Array(32));
  assert.ok(elementEquals(deserializeElement(new Uint8Array(32)), IDENTITY));
});

test('decoding rejects x >= p, points off the curve and points outside the subgroup', () => {
  assert.equal(tryDeserializeElement(be(FP_MODULUS)), undefined);
  assert.equal(tryDeserializeElement(new Uint8Array(31)), undefined);
  // Scan small x: each is either a valid element (and then re-encodes to itself up to sign)
  // or rejected; both rejection reasons must occur.
  let offCurveOrNotSubgroup = 0;
  let ok = 0;
  for (let x = 1n; x < 40n; x++) {
    const p = tryDeserializeElement(be(x));
    if (p === undefined) offCurveOrNotSubgroup++;
    else {
      ok++;
      assert.ok(elementEquals(deserializeElement(serializeElement(p)), p));
    }
  }
  assert.ok(ok > 0 && offCurveOrNotSubgroup > 0);
  assert.throws(() => deserializeElement(be(FP_MODULUS)), VerkleError);
});

test('a Bandersnatch point outside the Banderwagon subgroup does not decode', () => {
  // On the curve (y² = (1 - a·x²)/(1 - d·x²) is a square) but 1 - a·x² is not: such x are
  // Bandersnatch points outside the Banderwagon subgroup, and must not decode.
  let found = false;
  for (let x = 1n; x < 200n && !found; x++) {
    const a = FP_MODULUS - 5n;
    const sub = (1n - ((a * x * x) % FP_MODULUS) + FP_MODULUS) % FP_MODULUS;
    const d = BANDERSNATCH_D;
    const den = (1n - ((d * x * x) % FP_MODULUS) + FP_MODULUS) % FP_MODULUS;
    const y2 = (sub * modPow(den, FP_MODULUS - 2n)) % FP_MODULUS;
    const onCurve = modPow(y2, (FP_MODULUS - 1n) / 2n) === 1n;
    const inSubgroup = modPow(sub, (FP_MODULUS - 1n) / 2n) === 1n;
    if (onCurve && !inSubgroup) {
      found = true;
      assert.equal(tryDeserializeElement(be(x)), undefined);
    }
  }
  assert.ok(found);
});

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b %= FP_MODULUS;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % FP_MODULUS;
    b = (b * b) % FP_MODULUS;
    e >>= 1n;
  }
  return r;
}
