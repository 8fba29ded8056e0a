export { CipherState } from './cipherState.ts';
export {
  createHandshake,
  type HandshakeOptions,
  HandshakeState,
  NOISE_MAX_MESSAGE_LENGTH,
  noiseProtocolName,
} from './handshakeState.ts';
export {
  HANDSHAKE_PATTERNS,
  type HandshakePattern,
  type NoiseToken,
  PATTERN_IK,
  PATTERN_NK,
  PATTERN_NN,
  PATTERN_NX,
  PATTERN_XX,
  type PreMessageToken,
} from './patterns.ts';
export {
  cipherChaChaPoly,
  dh25519,
  hashSha256,
  SUITE_25519_CHACHAPOLY_SHA256,
} from './primitives.ts';
export {
  dhSecp256k1EllSwift,
  SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256,
  SV2_NOISE_PATTERN,
  SV2_NOISE_PROTOCOL_NAME,
} from './sv2.ts';
export { initialHandshakeHash, noiseHkdf, SymmetricState } from './symmetricState.ts';
export { NoiseTransport } from './transport.ts';
export type {
  NoiseCipher,
  NoiseDH,
  NoiseHash,
  NoiseKeyPair,
  NoiseSuite,
  RandomBytes,
} from './types.ts';
