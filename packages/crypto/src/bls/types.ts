/**
 * The BLS12-381 backend contract: Ethereum's ciphersuite
 * `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` (draft-irtf-cfrg-bls-signature-04, min-pk:
 * 48-byte compressed G1 public keys, 96-byte compressed G2 signatures, 32-byte big-endian
 * secret keys in [1, r-1]).
 *
 * Both backends (`blst`, native; `noble`, pure TS) give identical answers:
 * - every `verify*` method returns `false` for any invalid encoding (wrong length, flag bits,
 *   x >= p, not on the curve, not in the subgroup, an infinity public key), never throws;
 * - operations the spec says must fail throw `CryptoError`: a secret key of 0 or >= r, an
 *   aggregate of nothing, an aggregate over an invalid point.
 *
 * Infinity signature (G2 identity, `0xc0 00…00`): it is a valid *encoding* (it is in G2) and
 * aggregates normally. Verification does not reject it up front; it simply runs the pairing
 * check, which can never hold for a single valid public key (KeyValidate rejects the infinity
 * key and hash_to_G2 never yields the identity). `fastAggregateVerify` also rejects an
 * aggregate public key at infinity (CoreVerify runs KeyValidate on the aggregate).
 * `aggregateVerify` with keys that cancel (P, −P) over equal messages does accept the
 * infinity signature, as the POP ciphersuite's CoreAggregateVerify does. The Ethereum rule
 * "no pubkeys + infinity signature = true" lives only in `ethFastAggregateVerify`.
 *
 * Byte arrays are never retained or mutated.
 */
export type BlsBackendName = 'blst' | 'noble';

/** One independent (pubkey, message, signature) triple for batch verification. */
export interface BlsSignatureSet {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

export interface BlsBackend {
  readonly name: BlsBackendName;

  // ---- keys and signing
  /** SkToPk: the 48-byte compressed public key. Throws CryptoError on an invalid secret key. */
  secretKeyToPublicKey(secretKey: Uint8Array): Uint8Array;
  /** Sign with the POP ciphersuite's signature DST. Throws CryptoError on an invalid key. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;

  // ---- verification (false on any invalid input, never throws)
  /** Verify (CoreVerify with KeyValidate on the public key and a G2 subgroup check). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** AggregateVerify: n ≥ 1 distinct-or-not (pk_i, m_i) pairs; false for empty or unequal lists. */
  aggregateVerify(
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signature: Uint8Array,
  ): boolean;
  /** FastAggregateVerify (one message, n ≥ 1 keys that each passed proof of possession). */
  fastAggregateVerify(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean;
  /**
   * True iff every set verifies on its own, checked in one multi-pairing with random 64-bit
   * blinding scalars (so a forged pair S1+S', S2−S' cannot pass). An empty batch is `false`
   * (fail-closed; callers with nothing to check should not call this).
   */
  verifyBatch(sets: readonly BlsSignatureSet[]): boolean;

  // ---- aggregation (throws CryptoError on empty lists or invalid points)
  /** Aggregate: sum of ≥ 1 signatures, each decoded and subgroup-checked (infinity allowed). */
  aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array;
  /** Sum of ≥ 1 public keys, each passing KeyValidate. The sum itself may be infinity. */
  aggregatePublicKeys(publicKeys: readonly Uint8Array[]): Uint8Array;

  // ---- proof of possession (DST `BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`)
  /** PopProve: a signature over the compressed public key with the POP DST. */
  popProve(secretKey: Uint8Array): Uint8Array;
  /** PopVerify: false on any invalid input. */
  popVerify(publicKey: Uint8Array, proof: Uint8Array): boolean;

  // ---- encodings
  /** KeyValidate: 48 bytes, canonical compressed encoding, on the curve, in G1, not infinity. */
  isValidPublicKey(publicKey: Uint8Array): boolean;
  /** A canonical compressed G1 point in the subgroup; the infinity encoding is accepted. */
  isValidG1Point(bytes: Uint8Array): boolean;
  /** A canonical compressed G2 point in the subgroup; the infinity encoding is accepted. */
  isValidSignature(signature: Uint8Array): boolean;
}
