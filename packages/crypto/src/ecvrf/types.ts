/** The two RFC 9381 ciphersuites on edwards25519 (§5.5). */
export type ECVRFSuiteName = 'ECVRF-EDWARDS25519-SHA512-TAI' | 'ECVRF-EDWARDS25519-SHA512-ELL2';

export interface ECVRFVerifyOptions {
  /**
   * RFC 9381 §5.4.5 ECVRF_validate_key: reject public keys of small order. Default `true`,
   * which gives "full uniqueness and collision resistance" under malicious key generation
   * (§7.1.1). Pass `false` only for keys already validated (e.g. at registration).
   */
  validateKey?: boolean;
}

/**
 * An ECVRF ciphersuite. Secret keys are 32-byte RFC 8032 seeds, public keys 32-byte points,
 * proofs 80 bytes (Gamma ‖ c (16) ‖ s (32)), outputs beta 64 bytes.
 */
export interface ECVRF {
  readonly suite: ECVRFSuiteName;
  /** suite_string: 0x03 (TAI) or 0x04 (ELL2). */
  readonly suiteString: number;
  /** Y = x·B (RFC 8032 §5.1.5). Throws CryptoError INVALID_LENGTH for a seed ≠ 32 bytes. */
  getPublicKey(secretKey: Uint8Array): Uint8Array;
  /** ECVRF_prove (§5.1): the 80-byte proof pi. Throws CryptoError INVALID_LENGTH. */
  prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array;
  /**
   * ECVRF_verify (§5.3): beta when pi is a valid proof for (publicKey, alpha), else `null`.
   * Wrong-length keys or proofs give `null`; it throws only for non-Uint8Array arguments.
   */
  verify(
    publicKey: Uint8Array,
    pi: Uint8Array,
    alpha: Uint8Array,
    opts?: ECVRFVerifyOptions,
  ): Uint8Array | null;
  /**
   * ECVRF_proof_to_hash (§5.2): beta of a proof. Use it only on proofs you produced or that
   * `verify` accepted. Throws CryptoError INVALID_LENGTH, or INVALID_SIGNATURE when pi does
   * not decode (Gamma not a canonical point, or s ≥ q).
   */
  proofToHash(pi: Uint8Array): Uint8Array;
  /** RFC 9381 §5.4.5 for an encoded key: a canonical curve point that is not of small order. */
  isValidPublicKey(publicKey: Uint8Array): boolean;
}
