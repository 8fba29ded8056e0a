import { EvmError, EvmErrorCode } from '../errors.ts';

/** EIP-1559 constants. */
export const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;
export const ELASTICITY_MULTIPLIER = 2n;
/** The gas limit may move by less than parent/1024 per block, and never below 5000. */
export const GAS_LIMIT_ADJUSTMENT_FACTOR = 1024n;
export const GAS_LIMIT_MINIMUM = 5000n;

export interface BaseFeeParent {
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint | undefined;
}

/**
 * The base fee a child of `parent` must carry (EIP-1559, for a parent that already has a base
 * fee): unchanged at the gas target (half the gas limit), otherwise moved by at most 1/8 in the
 * direction of the parent's usage; up by at least 1 when over target.
 */
export function calcBaseFee(parent: BaseFeeParent): bigint {
  const base = parent.baseFeePerGas;
  if (base === undefined) {
    throw new EvmError(
      EvmErrorCode.INVALID_ARGUMENT,
      'parent header has no base fee (pre-London parents are not supported)',
    );
  }
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (target === 0n || parent.gasUsed === target) return base;
  if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
    return base + (delta > 1n ? delta : 1n);
  }
  return base - (base * (target - parent.gasUsed)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
}

/** Whether `gasLimit` is a valid successor of `parentGasLimit`. */
export function isValidGasLimit(gasLimit: bigint, parentGasLimit: bigint): boolean {
  const maxDelta = parentGasLimit / GAS_LIMIT_ADJUSTMENT_FACTOR;
  return (
    gasLimit < parentGasLimit + maxDelta &&
    gasLimit > parentGasLimit - maxDelta &&
    gasLimit >= GAS_LIMIT_MINIMUM
  );
}
