/** Consensus parameters of the ledger. Changing any of them changes state roots. */
export interface LedgerParams {
  /** Smallest accepted gas price (fee per gas unit). */
  readonly minGasPrice: bigint;
  /** Gas every transaction pays before anything runs. */
  readonly txBaseGas: number;
  /** Gas per byte of the encoded transaction. */
  readonly txByteGas: number;
  /** Extra gas per byte of deployed code. */
  readonly deployByteGas: number;
  /** Extra gas of stake / unstake (a BLS proof-of-possession check on stake). */
  readonly stakeGas: number;
  /** Largest gas limit of one transaction. */
  readonly maxTxGas: number;
  /** Largest total gas limit of the transactions of one block. */
  readonly maxBlockGas: number;
  /** A validator's stake after a stake/unstake must be 0 or at least this. */
  readonly minStake: bigint;
  /** Validator voting power = stake / powerUnit (consensus wants small safe integers). */
  readonly powerUnit: bigint;
  readonly maxValidators: number;
  /** Gas limit of a block's Ethereum transactions (EVM gas, counted apart from native gas). */
  readonly evmBlockGasLimit: number;
  /** The EIP-1559 base fee never falls below this (wei); also the genesis base fee. */
  readonly evmMinBaseFee: bigint;
}

export const defaultLedgerParams: LedgerParams = {
  minGasPrice: 1n,
  txBaseGas: 1000,
  txByteGas: 10,
  deployByteGas: 50,
  stakeGas: 50_000,
  maxTxGas: 50_000_000,
  maxBlockGas: 2_000_000_000,
  minStake: 1000n,
  powerUnit: 1n,
  maxValidators: 1024,
  evmBlockGasLimit: 30_000_000,
  evmMinBaseFee: 1_000_000_000n,
};

/** Limits of the transaction decoder (checked before anything is allocated). */
export interface TxLimits {
  readonly maxTxBytes: number;
  readonly maxCodeBytes: number;
  readonly maxInputBytes: number;
  readonly maxMethodBytes: number;
  readonly maxChainIdBytes: number;
}

export const defaultTxLimits: TxLimits = {
  maxTxBytes: 600 * 1024,
  maxCodeBytes: 512 * 1024,
  maxInputBytes: 64 * 1024,
  maxMethodBytes: 64,
  maxChainIdBytes: 32,
};
