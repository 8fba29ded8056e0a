/**
 * The ed25519 contract (RFC 8032 Ed25519, pure — no context, no prehash). Two engines
 * implement it, `noble` (@noble/curves, pure TS) and `node` (node:crypto, OpenSSL), and give
 * identical answers for every input: the rules in `rules.ts` run before either engine.
 *
 * Verification rules (keel's "strict cofactorless" profile, the BFT chain's consensus rule):
 * - wrong-length public key (≠ 32) or signature (≠ 64): `false`
 * - S must be canonical (S < L): otherwise `false` (no malleability through S + L)
 * - A (public key) must be a canonical encoding (y < p; x = 0 only with sign bit 0), decode
 *   to a curve point, and not be one of the 8 small-order points: otherwise `false`
 * - R must equal the canonical encoding of [S]B − [k]A, k = SHA-512(R ‖ A ‖ M) mod L
 *   (cofactorless equation; a non-canonical or off-curve R can never match)
 *
 * The cofactorless equation is what OpenSSL, libsodium and Go's crypto/ed25519 check. It
 * differs from the cofactored one (noble's own `verify`) only for public keys or R with a
 * torsion component, which honest signers never produce; both engines here run it.
 */
export type Ed25519EngineName = 'noble' | 'node';

export interface Ed25519 {
  readonly engine: Ed25519EngineName;
  /** 32-byte public key of a 32-byte seed (RFC 8032 §5.1.5). Throws CryptoError INVALID_LENGTH. */
  getPublicKey(seed: Uint8Array): Uint8Array;
  /** 64-byte deterministic signature R ‖ S (RFC 8032 §5.1.6). Throws CryptoError INVALID_LENGTH. */
  sign(message: Uint8Array, seed: Uint8Array): Uint8Array;
  /**
   * Strict cofactorless verification (rules above). Never throws on byte content or length;
   * throws CryptoError INVALID_INPUT only when an argument is not a Uint8Array.
   */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export interface CreateEd25519Options {
  /** `auto` (default) picks the fastest engine available: `node`, else `noble`. */
  engine?: Ed25519EngineName | 'auto';
}
