import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkIPAProof,
  commitSparse,
  commitToPoly,
  createIPAProof,
  elementEquals,
  FR_MODULUS,
  getCRS,
  msm,
  Transcript,
} from '../../src/index.ts';

const R = FR_MODULUS;
const vec = (seed: bigint): bigint[] =>
  Array.from({ length: 256 }, (_, i) => (seed * BigInt(i + 1) ** 7n) % R);

test('fixed-base commit is linear and agrees with sparse commit and the bucket MSM', () => {
  const a = vec(3n);
  const b = vec(11n);
  const sum = a.map((x, i) => (x + b[i]!) % R);
  assert.ok(elementEquals(commitToPoly(a).add(commitToPoly(b)), commitToPoly(sum)));
  assert.ok(elementEquals(commitToPoly(a), msm(getCRS(), a)));
  const sparse: Array<[number, bigint]> = [
    [0, 5n],
    [17, R - 1n],
    [255, 123456789n],
  ];
  const dense = new Array<bigint>(256).fill(0n);
  for (const [i, s] of sparse) dense[i] = s;
  assert.ok(elementEquals(commitSparse(sparse), commitToPoly(dense)));
});

test('negative and oversized scalars are reduced mod r', () => {
  assert.ok(elementEquals(commitToPoly([-1n]), commitToPoly([R - 1n])));
  assert.ok(elementEquals(commitSparse([[3, R + 2n]]), commitSparse([[3, 2n]])));
});

test('an IPA opening outside the domain verifies, a wrong value does not', () => {
  const f = vec(5n);
  const C = commitToPoly(f);
  const z = 1000n;
  const proof = createIPAProof(new Transcript('t'), C, f, z);
  // f(z) by Lagrange interpolation over 0..255, computed naively here.
  let y = 0n;
  for (let i = 0; i < 256; i++) {
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < 256; j++) {
      if (j === i) continue;
      num = (num * (z - BigInt(j))) % R;
      den = (den * BigInt(i - j)) % R;
    }
    y = (y + f[i]! * num * modInv(((den % R) + R) % R)) % R;
  }
  y = ((y % R) + R) % R;
  assert.equal(checkIPAProof(new Transcript('t'), C, proof, z, y), true);
  assert.equal(checkIPAProof(new Transcript('t'), C, proof, z, (y + 1n) % R), false);
  assert.equal(checkIPAProof(new Transcript('u'), C, proof, z, y), false);
});

function modInv(x: bigint): bigint {
  let r = 1n;
  let b = x;
  let e = R - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return r;
}
