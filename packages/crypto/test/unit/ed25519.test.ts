import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { ED25519_TORSION_SUBGROUP, ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import { availableEd25519Engines, createEd25519, ed25519 } from '../../src/ed25519/index.ts';
import { ED25519_L, ED25519_P, isAcceptablePublicKeyEncoding } from '../../src/ed25519/rules.ts';
import { CryptoError, CryptoErrorCode } from '../../src/errors.ts';

// RFC 8032 §7.1 TEST 1-3 (seed, public key, message, signature)
const RFC8032 = [
  [
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    '',
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  ],
  [
    '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    '72',
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  ],
  [
    'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    'af82',
    '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  ],
] as const;

function leBytes(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

for (const engine of availableEd25519Engines()) {
  describe(`ed25519 [${engine}]`, () => {
    const ed = createEd25519({ engine });

    test('RFC 8032 §7.1 tests 1-3: public key, signature, verify', () => {
      for (const [seed, pk, msg, sig] of RFC8032) {
        assert.equal(bytesToHex(ed.getPublicKey(hexToBytes(seed))), pk);
        assert.equal(bytesToHex(ed.sign(hexToBytes(msg), hexToBytes(seed))), sig);
        assert.equal(ed.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(pk)), true);
        assert.equal(ed.verify(hexToBytes(sig), hexToBytes(`${msg}00`), hexToBytes(pk)), false);
      }
    });

    test('bad lengths: seed throws INVALID_LENGTH, verify returns false', () => {
      const [seed, pk, msg, sig] = RFC8032[1];
      for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(64)]) {
        assert.throws(() => ed.getPublicKey(bad), { code: CryptoErrorCode.INVALID_LENGTH });
        assert.throws(() => ed.sign(hexToBytes(msg), bad), {
          code: CryptoErrorCode.INVALID_LENGTH,
        });
      }
      assert.equal(
        ed.verify(hexToBytes(sig).subarray(0, 63), hexToBytes(msg), hexToBytes(pk)),
        false,
      );
      assert.equal(ed.verify(hexToBytes(`${sig}00`), hexToBytes(msg), hexToBytes(pk)), false);
      assert.equal(ed.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(`${pk}00`)), false);
      assert.equal(
        ed.verify(hexToBytes(sig), hexToBytes(msg), hexToBytes(seed).subarray(1)),
        false,
      );
      assert.throws(
        () => ed.verify('00' as unknown as Uint8Array, hexToBytes(msg), hexToBytes(pk)),
        (e) => e instanceof CryptoError && e.code === CryptoErrorCode.INVALID_INPUT,
      );
    });

    test('S + L (same value mod L) is rejected', () => {
      const [, pk, msg, sig] = RFC8032[1];
      const s = hexToBytes(sig);
      let S = 0n;
      for (let i = 31; i >= 0; i--) S = (S << 8n) | BigInt(s[32 + i]!);
      const mall = s.slice();
      mall.set(leBytes(S + ED25519_L), 32);
      assert.equal(ed.verify(mall, hexToBytes(msg), hexToBytes(pk)), false);
    });
  });
}

test('default instance uses the fastest engine', () => {
  assert.equal(ed25519.engine, availableEd25519Engines()[0]);
  assert.equal(availableEd25519Engines()[0], 'node');
});

test('the small-order list matches noble torsion subgroup and non-canonical y is refused', () => {
  for (const hex of ED25519_TORSION_SUBGROUP) {
    const p = hexToBytes(hex);
    assert.equal(nobleEd25519.Point.fromBytes(p).isSmallOrder(), true);
    assert.equal(isAcceptablePublicKeyEncoding(p), false, hex);
  }
  const y = leBytes(ED25519_P + 3n); // y ≥ p: non-canonical
  assert.equal(isAcceptablePublicKeyEncoding(y), false);
  assert.equal(isAcceptablePublicKeyEncoding(leBytes(3n)), true);
});
