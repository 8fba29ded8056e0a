export {
  CHACHA20POLY1305_KEY_LENGTH,
  CHACHA20POLY1305_NONCE_LENGTH,
  CHACHA20POLY1305_TAG_LENGTH,
  noiseNonce,
  open as chacha20poly1305Open,
  seal as chacha20poly1305Seal,
} from './aead/index.ts';
export { assertLength, CryptoError, CryptoErrorCode } from './errors.ts';
export {
  blake2b256,
  createSha256,
  hash160,
  hkdfSha256,
  hkdfSha256Expand,
  hkdfSha256Extract,
  hmacSha256,
  hmacSha512,
  keccak256,
  ripemd160,
  sha256,
  sha256d,
  sha512,
  taggedHash,
} from './hashes/index.ts';
export {
  CipherState,
  createHandshake,
  type HandshakeOptions,
  type HandshakePattern,
  HandshakeState,
  type NoiseCipher,
  type NoiseDH,
  type NoiseHash,
  type NoiseKeyPair,
  type NoiseSuite,
  NoiseTransport,
  PATTERN_NN,
  PATTERN_NX,
  PATTERN_XX,
  SUITE_25519_CHACHAPOLY_SHA256,
} from './noise/index.ts';
export type {
  Secp256k1Backend,
  Secp256k1BackendName,
  XOnlyTweakResult,
} from './secp256k1/types.ts';
export {
  type SipHashKey,
  sipHashKeyFromBytes,
  sipHashKeyFromU64,
  sipHashUint256,
  sipHashUint256Extra,
  siphash24,
  siphash24U64,
} from './siphash/index.ts';
