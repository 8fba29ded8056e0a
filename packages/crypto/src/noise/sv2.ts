/**
 * The DH of Stratum V2's `Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256` (sv2-spec 04 §4.4.2):
 * public keys are 64-byte BIP324 ElligatorSwift encodings, and ECDH(k, rk) is BIP324's
 * v2_ecdh, which hashes both encodings in initiator-then-responder order, so the result
 * depends on the caller's role.
 */
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { ellswiftCreate, ellswiftXdh } from '../secp256k1/ellswift.ts';
import { PATTERN_NX } from './patterns.ts';
import { cipherChaChaPoly, hashSha256 } from './primitives.ts';
import type { NoiseDH, NoiseKeyPair, NoiseSuite, RandomBytes } from './types.ts';

const MAX_KEYGEN_TRIES = 16;

function ellswiftPair(privateKey: Uint8Array, aux?: Uint8Array): NoiseKeyPair {
  return { privateKey: privateKey.slice(), publicKey: ellswiftCreate(privateKey, aux) };
}

export const dhSecp256k1EllSwift: NoiseDH = {
  name: 'Secp256k1+EllSwift',
  dhLen: 32,
  pubLen: 64,
  generateKeyPair(random: RandomBytes): NoiseKeyPair {
    // A 32-byte string is a valid secret key except with probability ~2^-128.
    for (let i = 0; i < MAX_KEYGEN_TRIES; i++) {
      const sk = random(32);
      try {
        return ellswiftPair(sk, random(32));
      } catch (e) {
        if ((e as { code?: string }).code !== CryptoErrorCode.INVALID_PRIVATE_KEY) throw e;
      }
    }
    throw new CryptoError(CryptoErrorCode.INVALID_PRIVATE_KEY, 'random source gives no valid key');
  },
  /** Deterministic encoding (zero aux randomness): for fixed keys in tests and tools. */
  keyPairFromPrivate: (privateKey) => ellswiftPair(privateKey),
  dh(local, remotePublic, localIsInitiator) {
    const [ellInitiator, ellResponder] = localIsInitiator
      ? [local.publicKey, remotePublic]
      : [remotePublic, local.publicKey];
    return ellswiftXdh(ellInitiator, ellResponder, local.privateKey, localIsInitiator);
  },
};

/** `Noise_*_Secp256k1+EllSwift_ChaChaPoly_SHA256`; SV2 uses it with NX. */
export const SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256: NoiseSuite = {
  dh: dhSecp256k1EllSwift,
  cipher: cipherChaChaPoly,
  hash: hashSha256,
};

/** Stratum V2's handshake pattern (NX) and protocol name. */
export const SV2_NOISE_PATTERN = PATTERN_NX;
export const SV2_NOISE_PROTOCOL_NAME = 'Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256';
