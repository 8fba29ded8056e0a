// Bounded property tests: noble's pairing is slow, so a few dozen runs each.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigIntToBytes, bytesToHex } from '@keel/util';
import fc from 'fast-check';
import { BLS_CURVE_ORDER, type BlsBackend, loadBlsBackend, nobleBls } from '../../src/bls/index.ts';

const secretKey = fc.bigInt(1n, BLS_CURVE_ORDER - 1n).map((n) => bigIntToBytes(n, 32));
const message = fc.uint8Array({ maxLength: 64 });

async function blstOrNull(): Promise<BlsBackend | null> {
  try {
    return await loadBlsBackend('blst');
  } catch {
    return null;
  }
}

test('sign → verify holds and a flipped message bit fails (noble; blst agrees)', async () => {
  const blst = await blstOrNull();
  fc.assert(
    fc.property(secretKey, message, fc.nat(), (sk, msg, bit) => {
      const pk = nobleBls.secretKeyToPublicKey(sk);
      const sig = nobleBls.sign(sk, msg);
      assert.equal(nobleBls.verify(pk, msg, sig), true);
      const tampered = msg.length ? msg.slice() : new Uint8Array([0]);
      if (msg.length) tampered[bit % msg.length]! ^= 1 << (bit % 8);
      assert.equal(nobleBls.verify(pk, tampered, sig), false);
      if (blst) {
        assert.equal(bytesToHex(blst.secretKeyToPublicKey(sk)), bytesToHex(pk));
        assert.equal(bytesToHex(blst.sign(sk, msg)), bytesToHex(sig));
        assert.equal(blst.verify(pk, msg, sig), true);
        assert.equal(blst.verify(pk, tampered, sig), false);
      }
    }),
    { numRuns: 12 },
  );
});

test('aggregation is a homomorphism: FastAggregateVerify(pks, m, Σ sig) on both', async () => {
  const backends = [nobleBls, ...[await blstOrNull()].filter((b) => b !== null)];
  fc.assert(
    fc.property(fc.array(secretKey, { minLength: 1, maxLength: 4 }), message, (sks, msg) => {
      for (const b of backends) {
        const pks = sks.map((sk) => b.secretKeyToPublicKey(sk));
        const agg = b.aggregateSignatures(sks.map((sk) => b.sign(sk, msg)));
        assert.equal(b.fastAggregateVerify(pks, msg, agg), true);
        assert.equal(b.verify(b.aggregatePublicKeys(pks), msg, agg), true);
        if (pks.length > 1) assert.equal(b.fastAggregateVerify(pks.slice(1), msg, agg), false);
      }
    }),
    { numRuns: 8 },
  );
});

test('random 48/96-byte strings: both backends classify encodings identically', async (t) => {
  const blst = await blstOrNull();
  if (!blst) {
    t.skip('blst backend unavailable');
    return;
  }
  // Set the compression flag on most inputs so some of them reach the curve checks.
  const withFlag = (len: number) =>
    fc.tuple(fc.uint8Array({ minLength: len, maxLength: len }), fc.boolean()).map(([b, f]) => {
      if (f) b[0] = (b[0]! & 0x3f) | 0x80;
      return b;
    });
  fc.assert(
    fc.property(withFlag(48), withFlag(96), (g1, g2) => {
      assert.equal(blst.isValidG1Point(g1), nobleBls.isValidG1Point(g1));
      assert.equal(blst.isValidPublicKey(g1), nobleBls.isValidPublicKey(g1));
      assert.equal(blst.isValidSignature(g2), nobleBls.isValidSignature(g2));
    }),
    { numRuns: 40 },
  );
});
