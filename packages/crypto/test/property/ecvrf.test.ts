import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ecvrfELL2, ecvrfTAI } from '../../src/ecvrf/index.ts';

for (const vrf of [ecvrfTAI, ecvrfELL2]) {
  test(`${vrf.suite}: proofs verify for their (key, alpha) only`, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.nat(80 * 8 - 1),
        (sk, alpha, extra, bit) => {
          const pk = vrf.getPublicKey(sk);
          const pi = vrf.prove(sk, alpha);
          assert.deepEqual(vrf.verify(pk, pi, alpha), vrf.proofToHash(pi));
          assert.equal(vrf.verify(pk, pi, new Uint8Array([...alpha, ...extra])), null);
          const bad = pi.slice();
          bad[bit >> 3]! ^= 1 << (bit & 7);
          assert.equal(vrf.verify(pk, bad, alpha), null);
        },
      ),
      { numRuns: 15 },
    );
  });
}
