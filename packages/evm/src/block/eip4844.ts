import { EvmError, EvmErrorCode } from '../errors.ts';

/** EIP-4844 block-level constants (Cancun). */
export const GAS_PER_BLOB = 131072n; // 2^17
export const TARGET_BLOB_GAS_PER_BLOCK = 393216n; // 3 blobs
export const MAX_BLOB_GAS_PER_BLOCK = 786432n; // 6 blobs
export const MIN_BLOB_BASE_FEE = 1n;
export const BLOB_BASE_FEE_UPDATE_FRACTION = 3338477n;

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

/**
 * Largest `numerator / denominator` `fakeExponential` takes. The series needs about e times that
 * many steps; at 4096 the result already exceeds 2^5900, far beyond any balance (2^256), so a
 * larger exponent can only come from input that no chain reaches.
 */
export const MAX_FAKE_EXPONENT = 4096n;

/**
 * `factor * e^(numerator / denominator)` by its Taylor series in integers, as EIP-4844 defines
 * `fake_exponential` (the exact rounding is consensus).
 */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n || numerator < 0n || numerator / denominator > MAX_FAKE_EXPONENT) {
    throw new EvmError(
      EvmErrorCode.INVALID_ARGUMENT,
      `fakeExponential: exponent ${numerator}/${denominator} outside [0, ${MAX_FAKE_EXPONENT}]`,
    );
  }
  let i = 1n;
  let output = 0n;
  let acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * numerator) / (denominator * i);
    i += 1n;
  }
  return output / denominator;
}

/** The price of one unit of blob gas in a block with `excessBlobGas`. */
export function blobBaseFee(excessBlobGas: bigint): bigint {
  return fakeExponential(MIN_BLOB_BASE_FEE, excessBlobGas, BLOB_BASE_FEE_UPDATE_FRACTION);
}

/** Blob gas a transaction with `blobCount` blobs uses. */
export function blobGasOf(blobCount: number): bigint {
  return GAS_PER_BLOB * BigInt(blobCount);
}
