/**
 * BIP341 key construction: tap leaf/branch hashes, the TapTweak, the tweaked output key and
 * the tweaked secret key for key-path signing. Sighash computation lives in @keel/bitcoin.
 */
import { concatBytes, encodeCompactSize } from '@keel/util';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { taggedHash } from '../hashes/index.ts';
import type { Secp256k1Backend, XOnlyTweakResult } from './types.ts';

/** BIP341: tagged_hash("TapLeaf", leaf_version ‖ compact_size(script) ‖ script). */
export function tapLeafHash(script: Uint8Array, leafVersion = 0xc0): Uint8Array {
  return taggedHash(
    'TapLeaf',
    Uint8Array.of(leafVersion),
    encodeCompactSize(script.length),
    script,
  );
}

/** BIP341: tagged_hash("TapBranch", min(a, b) ‖ max(a, b)) (lexicographic order). */
export function tapBranchHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  for (let i = 0; i < 32; i++) {
    if (a[i] !== b[i])
      return a[i]! < b[i]! ? taggedHash('TapBranch', a, b) : taggedHash('TapBranch', b, a);
  }
  return taggedHash('TapBranch', a, b);
}

/** BIP341: tagged_hash("TapTweak", P ‖ merkle_root), or of P alone when there is no tree. */
export function tapTweakHash(internalXOnly: Uint8Array, merkleRoot: Uint8Array | null): Uint8Array {
  assertLength(internalXOnly, 32, 'internal key');
  if (merkleRoot === null) return taggedHash('TapTweak', internalXOnly);
  assertLength(merkleRoot, 32, 'merkle root');
  return taggedHash('TapTweak', internalXOnly, merkleRoot);
}

/** BIP341 taproot_tweak_pubkey: Q = lift_x(P) + t·G. Throws if P is invalid or t is bad. */
export function taprootTweakPublicKey(
  backend: Secp256k1Backend,
  internalXOnly: Uint8Array,
  merkleRoot: Uint8Array | null,
): XOnlyTweakResult & { tweak: Uint8Array } {
  const tweak = tapTweakHash(internalXOnly, merkleRoot);
  const q = backend.xOnlyTweakAdd(internalXOnly, tweak);
  if (q === null) {
    throw new CryptoError(CryptoErrorCode.INVALID_TWEAK, 'taproot tweak failed', {
      reason: 'invalid internal key, tweak >= n, or infinity',
    });
  }
  return { ...q, tweak };
}

/** BIP341 taproot_tweak_seckey: negate sk if its point has odd Y, then add the tweak. */
export function taprootTweakPrivateKey(
  backend: Secp256k1Backend,
  sk: Uint8Array,
  merkleRoot: Uint8Array | null,
): { tweakedPrivateKey: Uint8Array; internalXOnly: Uint8Array; tweak: Uint8Array } {
  const pub = backend.publicKeyCreate(sk, true);
  const internalXOnly = pub.subarray(1);
  const even = pub[0] === 0x02 ? sk : backend.privateKeyNegate(sk);
  const tweak = tapTweakHash(internalXOnly, merkleRoot);
  return { tweakedPrivateKey: backend.privateKeyTweakAdd(even, tweak), internalXOnly, tweak };
}

/** The segwit v1 scriptPubKey OP_1 <32-byte Q>. */
export function taprootScriptPubKey(outputXOnly: Uint8Array): Uint8Array {
  assertLength(outputXOnly, 32, 'output key');
  return concatBytes(Uint8Array.of(0x51, 0x20), outputXOnly);
}
