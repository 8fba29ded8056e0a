import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { challenge, encodeToCurve, intToString, SUITES } from '../../src/ecvrf/_internal.ts';
import { Point } from '../../src/ecvrf/hashToCurve.ts';
import { createECVRF, ecvrfELL2, ecvrfTAI } from '../../src/ecvrf/index.ts';
import { ED25519_L, ED25519_P } from '../../src/ed25519/rules.ts';
import { CryptoErrorCode } from '../../src/errors.ts';

const SK = new Uint8Array(32).fill(0x42);
const ALPHA = new Uint8Array([1, 2, 3]);

for (const vrf of [ecvrfTAI, ecvrfELL2]) {
  describe(vrf.suite, () => {
    const pk = vrf.getPublicKey(SK);
    const pi = vrf.prove(SK, ALPHA);

    test('prove is deterministic; verify returns proofToHash(pi)', () => {
      assert.equal(pi.length, 80);
      assert.deepEqual(vrf.prove(SK, ALPHA), pi);
      const beta = vrf.verify(pk, pi, ALPHA);
      assert.ok(beta);
      assert.equal(beta.length, 64);
      assert.deepEqual(beta, vrf.proofToHash(pi));
    });

    test('bad lengths: prove/proofToHash throw INVALID_LENGTH, verify returns null', () => {
      assert.throws(() => vrf.prove(SK.subarray(1), ALPHA), {
        code: CryptoErrorCode.INVALID_LENGTH,
      });
      assert.throws(() => vrf.getPublicKey(new Uint8Array(64)), {
        code: CryptoErrorCode.INVALID_LENGTH,
      });
      assert.throws(() => vrf.proofToHash(pi.subarray(1)), {
        code: CryptoErrorCode.INVALID_LENGTH,
      });
      assert.equal(vrf.verify(pk, pi.subarray(1), ALPHA), null);
      assert.equal(vrf.verify(pk, concatBytes(pi, new Uint8Array(1)), ALPHA), null);
      assert.equal(vrf.verify(pk.subarray(1), pi, ALPHA), null);
      assert.throws(() => vrf.verify(pk, pi, 'abc' as unknown as Uint8Array), {
        code: CryptoErrorCode.INVALID_INPUT,
      });
    });

    test('undecodable proofs: proofToHash throws INVALID_SIGNATURE, verify returns null', () => {
      const highS = pi.slice();
      highS.set(intToString(ED25519_L, 32), 48); // s = q
      const badGamma = pi.slice();
      badGamma.set(intToString(ED25519_P + 1n, 32), 0); // y = p + 1: non-canonical identity
      for (const bad of [highS, badGamma]) {
        assert.throws(() => vrf.proofToHash(bad), { code: CryptoErrorCode.INVALID_SIGNATURE });
        assert.equal(vrf.verify(pk, bad, ALPHA), null);
      }
    });

    test('validate_key: a small-order key admits a proof of a constant beta for any alpha', () => {
      // With Y = O and Gamma = O, pi = (O, c, k) verifies for every alpha and always hashes to
      // the same beta: what RFC 9381 §5.4.5 validate_key exists to stop.
      const Y = Point.ZERO.toBytes();
      const params = SUITES[vrf.suite];
      const betas = new Set<string>();
      for (const alpha of [new Uint8Array([1]), new Uint8Array([2])]) {
        const H = encodeToCurve(params, Y, alpha);
        const k = 12345n;
        const U = Point.BASE.multiply(k).toBytes();
        const V = H.multiply(k).toBytes();
        const c = challenge(params.suiteString, [Y, H.toBytes(), Y, U, V]);
        const forged = concatBytes(Y, intToString(c, 16), intToString(k, 32));
        const beta = vrf.verify(Y, forged, alpha, { validateKey: false });
        assert.ok(beta, 'RFC 9381 accepts this proof when validate_key is off');
        betas.add(bytesToHex(beta));
        assert.equal(vrf.verify(Y, forged, alpha), null, 'validateKey defaults to true');
        assert.equal(vrf.verify(Y, forged, alpha, { validateKey: true }), null);
      }
      assert.equal(betas.size, 1);
    });

    test('isValidPublicKey rejects the 8 small-order points and non-canonical encodings', () => {
      assert.equal(vrf.isValidPublicKey(pk), true);
      for (const h of ED25519_TORSION_SUBGROUP)
        assert.equal(vrf.isValidPublicKey(hexToBytes(h)), false);
      assert.equal(vrf.isValidPublicKey(intToString(ED25519_P + 1n, 32)), false);
      assert.equal(vrf.isValidPublicKey(pk.subarray(1)), false);
    });
  });
}

test('suites are domain-separated and differ from each other', () => {
  const piT = ecvrfTAI.prove(SK, ALPHA);
  const piE = ecvrfELL2.prove(SK, ALPHA);
  assert.notDeepEqual(piT, piE);
  assert.equal(ecvrfELL2.verify(ecvrfELL2.getPublicKey(SK), piT, ALPHA), null);
  assert.throws(() => createECVRF('ECVRF-P256-SHA256-TAI' as never), {
    code: CryptoErrorCode.INVALID_INPUT,
  });
});
