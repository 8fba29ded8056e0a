import { EvmError, EvmErrorCode } from './errors.ts';

/**
 * Fork parameters as data. The VM reads every fork-dependent rule from here; Shanghai is kept
 * for the blockchain tests' withdrawals (EIP-4895), state tests run Cancun only.
 */
export interface ForkParams {
  readonly name: 'Shanghai' | 'Cancun';
  /** EIP-1153 TLOAD/TSTORE, EIP-5656 MCOPY, EIP-4844 BLOBHASH + blob txs, EIP-7516 BLOBBASEFEE. */
  readonly cancunOpcodes: boolean;
  /** EIP-6780: SELFDESTRUCT deletes only an account created in the same transaction. */
  readonly eip6780: boolean;
  /** EIP-4788: the beacon-roots system call at the start of each block. */
  readonly eip4788: boolean;
  /** EIP-170. */
  readonly maxCodeSize: number;
  /** EIP-3860. */
  readonly maxInitcodeSize: number;
  /** EIP-4844 blob gas. */
  readonly blobGasPerBlob: bigint;
  readonly maxBlobGasPerBlock: bigint;
  readonly targetBlobGasPerBlock: bigint;
  readonly minBlobBaseFee: bigint;
  readonly blobBaseFeeUpdateFraction: bigint;
  /** EIP-1559. */
  readonly baseFeeMaxChangeDenominator: bigint;
  readonly elasticityMultiplier: bigint;
}

export const SHANGHAI: ForkParams = {
  name: 'Shanghai',
  cancunOpcodes: false,
  eip6780: false,
  eip4788: false,
  maxCodeSize: 24576,
  maxInitcodeSize: 49152,
  blobGasPerBlob: 131072n,
  maxBlobGasPerBlock: 0n,
  targetBlobGasPerBlock: 0n,
  minBlobBaseFee: 1n,
  blobBaseFeeUpdateFraction: 3338477n,
  baseFeeMaxChangeDenominator: 8n,
  elasticityMultiplier: 2n,
};

export const CANCUN: ForkParams = {
  ...SHANGHAI,
  name: 'Cancun',
  cancunOpcodes: true,
  eip6780: true,
  eip4788: true,
  maxBlobGasPerBlock: 786432n,
  targetBlobGasPerBlock: 393216n,
};

/** EIP-4844 `fake_exponential`: factor * e^(numerator / denominator), in integers. */
/** Largest numerator/denominator `fakeExponential` accepts (e^4096 is beyond any balance). */
export const MAX_EXPONENT_RATIO = 4096n;

export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  // The series runs ~e·numerator/denominator terms: a crafted header (e.g. a genesis with
  // excessBlobGas 2^63) would loop for days. Past e^4096 (> 2^5900) no fee can be paid anyway.
  if (denominator <= 0n || numerator < 0n || numerator > MAX_EXPONENT_RATIO * denominator) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `fake_exponential out of range: numerator ${numerator} / denominator ${denominator} exceeds ${MAX_EXPONENT_RATIO}`,
      { numerator: numerator.toString(), denominator: denominator.toString() },
    );
  }
  let i = 1n;
  let output = 0n;
  let acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * numerator) / (denominator * i);
    i++;
  }
  return output / denominator;
}

/** EIP-4844 blob base fee for a block with `excessBlobGas`. */
export function blobBaseFee(fork: ForkParams, excessBlobGas: bigint): bigint {
  return fakeExponential(fork.minBlobBaseFee, excessBlobGas, fork.blobBaseFeeUpdateFraction);
}
