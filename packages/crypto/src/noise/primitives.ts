import { x25519 } from '@noble/curves/ed25519.js';
import { noiseNonce, open, seal } from '../aead/chacha20poly1305.ts';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { hmacSha256, sha256 } from '../hashes/index.ts';
import type {
  NoiseCipher,
  NoiseDH,
  NoiseHash,
  NoiseKeyPair,
  NoiseSuite,
  RandomBytes,
} from './types.ts';

function x25519Pair(privateKey: Uint8Array): NoiseKeyPair {
  assertLength(privateKey, 32, 'X25519 private key');
  return { privateKey: privateKey.slice(), publicKey: x25519.getPublicKey(privateKey) };
}

/** Noise §12.1 "25519": X25519 (RFC 7748), DHLEN 32. Low-order peer keys are rejected. */
export const dh25519: NoiseDH = {
  name: '25519',
  dhLen: 32,
  pubLen: 32,
  generateKeyPair(random: RandomBytes): NoiseKeyPair {
    return x25519Pair(random(32));
  },
  keyPairFromPrivate: x25519Pair,
  dh(local, remotePublic) {
    assertLength(remotePublic, 32, 'X25519 public key');
    try {
      return x25519.getSharedSecret(local.privateKey, remotePublic);
    } catch {
      throw new CryptoError(
        CryptoErrorCode.INVALID_PUBLIC_KEY,
        'X25519: peer public key gives an all-zero shared secret',
      );
    }
  },
};

/** Noise §12.3 "ChaChaPoly": RFC 8439 AEAD with nonce 0x00000000 ‖ LE64(n). */
export const cipherChaChaPoly: NoiseCipher = {
  name: 'ChaChaPoly',
  encrypt: (k, n, ad, plaintext) => seal(k, noiseNonce(n), plaintext, ad),
  decrypt: (k, n, ad, ciphertext) => open(k, noiseNonce(n), ciphertext, ad),
};

/** Noise §12.4 "SHA256". */
export const hashSha256: NoiseHash = {
  name: 'SHA256',
  hashLen: 32,
  hash: sha256,
  hmac: hmacSha256,
};

/** `Noise_*_25519_ChaChaPoly_SHA256`. */
export const SUITE_25519_CHACHAPOLY_SHA256: NoiseSuite = {
  dh: dh25519,
  cipher: cipherChaChaPoly,
  hash: hashSha256,
};
