/**
 * The EIP-4844 KZG contract (consensus-specs `polynomial-commitments.md`, the public functions).
 * Both backends (`c-kzg`, native; `node-eth-kzg`, Rust via napi) implement it with the spec's
 * exact semantics and the mainnet trusted setup. Byte inputs of the wrong length, a field element
 * that is not canonical (>= BLS_MODULUS), and a commitment/proof that is not a compressed G1
 * point in the prime-order subgroup throw `CryptoError`; a well-formed proof that does not verify
 * gives `false`. Every method is synchronous once the backend is loaded and answers identically
 * on both backends. Byte arrays are never retained or mutated.
 */
export type KzgBackendName = 'c-kzg' | 'node-eth-kzg';

/** The spec's `compute_kzg_proof` result: the proof and y = p(z). */
export interface KzgProofAndY {
  proof: Uint8Array;
  y: Uint8Array;
}

export interface KzgBackend {
  readonly name: KzgBackendName;
  /** `blob_to_kzg_commitment`: 131072-byte blob → 48-byte commitment. */
  blobToKzgCommitment(blob: Uint8Array): Uint8Array;
  /** `compute_kzg_proof`: blob and 32-byte evaluation point z → (48-byte proof, 32-byte y). */
  computeKzgProof(blob: Uint8Array, z: Uint8Array): KzgProofAndY;
  /** `compute_blob_kzg_proof`: blob and its 48-byte commitment → 48-byte proof. */
  computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array;
  /** `verify_kzg_proof`: does `proof` show p(z) = y for the polynomial committed to? */
  verifyKzgProof(commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array): boolean;
  /** `verify_blob_kzg_proof`. */
  verifyBlobKzgProof(blob: Uint8Array, commitment: Uint8Array, proof: Uint8Array): boolean;
  /** `verify_blob_kzg_proof_batch`: the three lists must have equal lengths (else CryptoError). */
  verifyBlobKzgProofBatch(
    blobs: readonly Uint8Array[],
    commitments: readonly Uint8Array[],
    proofs: readonly Uint8Array[],
  ): boolean;
}
