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
export type {
  Secp256k1Backend,
  Secp256k1BackendName,
  XOnlyTweakResult,
} from './secp256k1/types.ts';
