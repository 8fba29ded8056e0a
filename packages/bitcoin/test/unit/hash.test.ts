import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hash160, ripemd160, sha256, sha256d } from '../../src/primitives/_hash.ts';

// The oracle is OpenSSL through node:crypto, a different implementation from the JS under test.
const ref = (alg: string, d: Uint8Array) => new Uint8Array(createHash(alg).update(d).digest());
const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 3)) & 0xff);

describe('validation hashes (primitives/_hash.ts)', () => {
  it('match OpenSSL for every length 0..300 and large inputs', () => {
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 1000, 4096, 100_001]) {
      const d = bytes(n, n);
      assert.deepEqual(sha256(d), ref('sha256', d), `sha256 len ${n}`);
      assert.deepEqual(sha256d(d), ref('sha256', ref('sha256', d)), `sha256d len ${n}`);
      assert.deepEqual(ripemd160(d), ref('ripemd160', d), `ripemd160 len ${n}`);
      assert.deepEqual(hash160(d), ref('ripemd160', ref('sha256', d)), `hash160 len ${n}`);
    }
  });
  it('known answers (FIPS 180-2 "abc", RIPEMD-160 paper "abc")', () => {
    const abc = new TextEncoder().encode('abc');
    assert.equal(
      Buffer.from(sha256(abc)).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      Buffer.from(ripemd160(abc)).toString('hex'),
      '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc',
    );
  });
  it('returns fresh arrays (no aliasing of the internal scratch)', () => {
    const a = sha256(bytes(10, 1));
    const b = sha256(bytes(10, 2));
    assert.notDeepEqual(a, b);
    assert.notEqual(a.buffer, b.buffer);
  });
});
