/**
 * Differential test: the `noble` and `node` (OpenSSL) engines must give the same answer for
 * every input, including the edge encodings keel's strict rules are about.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToBigIntLE, concatBytes, hexToBytes } from '@keel/util';
import { ED25519_TORSION_SUBGROUP, ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { createEd25519 } from '../../src/ed25519/index.ts';
import { ED25519_L, ED25519_P } from '../../src/ed25519/rules.ts';
import { sha512 } from '../../src/hashes/index.ts';

const noble = createEd25519({ engine: 'noble' });
const node = createEd25519({ engine: 'node' });
const Point = nobleEd25519.Point;
const TORSION = ED25519_TORSION_SUBGROUP.map((h) => Point.fromBytes(hexToBytes(h)));

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Both engines' verdict; fails the property if they differ. */
function agree(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean {
  const a = noble.verify(sig, msg, pk);
  const b = node.verify(sig, msg, pk);
  assert.equal(a, b, `engines disagree: noble=${a} node=${b}`);
  return a;
}

/** A signature made with an arbitrary nonce point R = rB + T and key A' = aB + T'. */
function forge(seed: Uint8Array, msg: Uint8Array, r: bigint, tR: number, tA: number) {
  const { scalar: a, point } = nobleEd25519.utils.getExtendedPublicKey(seed);
  const A = point.add(TORSION[tA]!).toBytes();
  const rB = r % ED25519_L === 0n ? Point.ZERO : Point.BASE.multiply(r);
  const R = rB.add(TORSION[tR]!).toBytes();
  const k = bytesToBigIntLE(sha512(concatBytes(R, A, msg))) % ED25519_L;
  const S = (r + k * a) % ED25519_L;
  return { sig: concatBytes(R, le32(S)), pk: A, k };
}

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const msgArb = fc.uint8Array({ maxLength: 80 });

test('honest signatures: identical bytes, both accept; one flipped bit: both reject', () => {
  fc.assert(
    fc.property(seedArb, msgArb, fc.nat(64 * 8 - 1), (seed, msg, bit) => {
      const pk = noble.getPublicKey(seed);
      assert.deepEqual(node.getPublicKey(seed), pk);
      const sig = noble.sign(msg, seed);
      assert.deepEqual(node.sign(msg, seed), sig);
      assert.equal(agree(sig, msg, pk), true);
      const bad = sig.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(agree(bad, msg, pk), false);
      const badPk = pk.slice();
      badPk[bit & 31]! ^= 1 << ((bit >> 5) & 7);
      assert.equal(agree(sig, msg, badPk), false);
    }),
    { numRuns: 60 },
  );
});

test('random bytes as signature and key: engines agree (and reject)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      msgArb,
      (sig, pk, msg) => {
        assert.equal(agree(sig, msg, pk), false);
      },
    ),
    { numRuns: 100 },
  );
});

test('small-order and non-canonical public keys are rejected by both engines', () => {
  const msg = new Uint8Array([1, 2, 3]);
  const sig = noble.sign(msg, new Uint8Array(32).fill(9));
  const keys: Uint8Array[] = [];
  for (const t of TORSION) {
    const enc = t.toBytes();
    keys.push(enc);
    const flipped = enc.slice();
    flipped[31]! ^= 0x80; // x = 0 with sign bit set, or the other root
    keys.push(flipped);
    const y = bytesToBigIntLE(enc.map((b, i) => (i === 31 ? b & 0x7f : b)));
    if (y + ED25519_P < 2n ** 255n) keys.push(le32(y + ED25519_P)); // y + p: non-canonical
  }
  // A zero-S signature of the identity: [0]B − [k]·O = O, R = O. Only the key rule rejects it.
  const identity = Point.ZERO.toBytes();
  for (const pk of keys) {
    assert.equal(agree(sig, msg, pk), false);
    assert.equal(agree(concatBytes(identity, new Uint8Array(32)), msg, pk), false);
  }
});

test('S at and around L: only S < L can pass', () => {
  const seed = new Uint8Array(32).fill(5);
  const msg = new Uint8Array([7]);
  const pk = noble.getPublicKey(seed);
  const sig = noble.sign(msg, seed);
  const S = bytesToBigIntLE(sig.subarray(32));
  for (const s of [S + ED25519_L, ED25519_L, ED25519_L + 1n, 2n ** 256n - 1n, 0n]) {
    assert.equal(agree(concatBytes(sig.subarray(0, 32), le32(s)), msg, pk), false);
  }
  assert.equal(agree(sig, msg, pk), true);
});

test('R = identity (small order) with a valid equation: both accept', () => {
  fc.assert(
    fc.property(seedArb, msgArb, (seed, msg) => {
      const { sig, pk } = forge(seed, msg, ED25519_L, 0, 0); // rB = O when r = L
      assert.deepEqual(sig.subarray(0, 32), Point.ZERO.toBytes());
      assert.equal(agree(sig, msg, pk), true);
    }),
    { numRuns: 10 },
  );
});

test('mixed-order keys and nonces: cofactorless on both engines (noble cofactored differs)', () => {
  let accepted = 0;
  let cofactoredOnly = 0;
  fc.assert(
    fc.property(
      seedArb,
      msgArb,
      fc.bigInt(1n, ED25519_L - 1n),
      fc.nat(TORSION.length - 1),
      fc.nat(TORSION.length - 1),
      (seed, msg, r, tR, tA) => {
        const { sig, pk, k } = forge(seed, msg, r, tR, tA);
        const ours = agree(sig, msg, pk);
        const cofactored = nobleEd25519.verify(sig, msg, pk, { zip215: false });
        if (ours) accepted++;
        if (cofactored && !ours) cofactoredOnly++;
        // [S]B − [k]A' = rB − k·T_A, so cofactorless accepts exactly when T_R + k·T_A = O
        assert.equal(ours, TORSION[tR]!.add(TORSION[tA]!.multiplyUnsafe(k)).is0());
        assert.equal(cofactored, true);
      },
    ),
    { numRuns: 80 },
  );
  assert.ok(accepted > 0, 'some mixed-order cases should pass the cofactorless equation');
  assert.ok(cofactoredOnly > 0, 'some cases should pass only the cofactored equation');
});
