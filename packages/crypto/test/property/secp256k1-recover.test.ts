import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { loadLibsecp256k1Recover, nobleEcdsaRecover } from '../../src/secp256k1/index.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function hex32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

test('noble and libsecp256k1 recover the same key from real signatures, and the signer', async () => {
  const lib = await loadLibsecp256k1Recover();
  assert.ok(lib, 'libsecp256k1 binding loads');
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.bigInt(1n, N - 1n),
      (msg, d) => {
        const sk = hex32(d);
        const sig = noble.sign(msg, sk, { prehash: false, format: 'recovered' });
        const recid = sig[0]!;
        const rs = sig.subarray(1);
        const expected = noble.getPublicKey(sk, false);
        assert.equal(bytesToHex(nobleEcdsaRecover(rs, recid, msg)!), bytesToHex(expected));
        assert.equal(bytesToHex(lib(rs, recid, msg)!), bytesToHex(expected));
      },
    ),
    { numRuns: 60 },
  );
});

test('both recover identically (key or null) on arbitrary and edge inputs', async () => {
  const lib = (await loadLibsecp256k1Recover())!;
  const edge = fc.constantFrom(0n, 1n, N - 1n, N, N + 1n, 2n ** 256n - 1n);
  const scalar = fc.oneof(edge, fc.bigInt(0n, 2n ** 256n - 1n));
  fc.assert(
    fc.property(
      scalar,
      scalar,
      fc.integer({ min: -1, max: 4 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (r, s, recid, msg) => {
        const sig = new Uint8Array(64);
        sig.set(hex32(r), 0);
        sig.set(hex32(s), 32);
        const a = nobleEcdsaRecover(sig, recid, msg);
        const b = lib(sig, recid, msg);
        assert.equal(a === null ? 'null' : bytesToHex(a), b === null ? 'null' : bytesToHex(b));
      },
    ),
    { numRuns: 150 },
  );
  // Wrong lengths never throw.
  assert.equal(nobleEcdsaRecover(new Uint8Array(63), 0, new Uint8Array(32)), null);
  assert.equal(lib(new Uint8Array(64), 0, new Uint8Array(31)), null);
});
