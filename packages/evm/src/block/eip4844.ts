/** EIP-4844 block-level constants (Cancun); the blob base fee itself is `blobBaseFee` in params.ts. */
export const GAS_PER_BLOB = 131072n; // 2^17
export const TARGET_BLOB_GAS_PER_BLOCK = 393216n; // 3 blobs
export const MAX_BLOB_GAS_PER_BLOCK = 786432n; // 6 blobs

export interface BlobGasParent {
  /** `undefined` for a pre-Cancun parent, which counts as 0 (EIP-4844 fork block). */
  readonly excessBlobGas: bigint | undefined;
  readonly blobGasUsed: bigint | undefined;
}

/** The `excessBlobGas` a child of `parent` must carry (EIP-4844 `calc_excess_blob_gas`). */
export function calcExcessBlobGas(parent: BlobGasParent): bigint {
  const sum = (parent.excessBlobGas ?? 0n) + (parent.blobGasUsed ?? 0n);
  return sum < TARGET_BLOB_GAS_PER_BLOCK ? 0n : sum - TARGET_BLOB_GAS_PER_BLOCK;
}
