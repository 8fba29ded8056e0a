import { EvmError, EvmErrorCode } from '../errors.ts';
import {
  bigintToRLPBytes,
  type RLPInput,
  type RLPValue,
  rlpBytes,
  rlpBytesToBigint,
  rlpList,
} from '../rlp/index.ts';
import type { Address } from '../tx/types.ts';

/** EIP-4895: a validator withdrawal pushed from the beacon chain into the execution layer. */
export interface Withdrawal {
  readonly index: bigint;
  readonly validatorIndex: bigint;
  readonly address: Address;
  /** In gwei (EIP-4895); credited as `amount * 10^9` wei. */
  readonly amount: bigint;
}

/** 1 gwei in wei. */
export const GWEI = 1_000_000_000n;

export function withdrawalFromRLP(v: RLPValue): Withdrawal {
  const f = rlpList(v, 'withdrawal');
  if (f.length !== 4) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `withdrawal has ${f.length} fields, expected 4 (index, validatorIndex, address, amount)`,
    );
  }
  const address = rlpBytes(f[2]!, 'withdrawal address');
  if (address.length !== 20) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `withdrawal address: ${address.length} bytes, expected 20`,
    );
  }
  // EIP-4895: all three integers are uint64.
  return {
    index: rlpBytesToBigint(rlpBytes(f[0]!, 'withdrawal index'), 'withdrawal index', 8),
    validatorIndex: rlpBytesToBigint(
      rlpBytes(f[1]!, 'withdrawal validatorIndex'),
      'withdrawal validatorIndex',
      8,
    ),
    address,
    amount: rlpBytesToBigint(rlpBytes(f[3]!, 'withdrawal amount'), 'withdrawal amount', 8),
  };
}

export function withdrawalToRLP(w: Withdrawal): RLPInput {
  return [
    bigintToRLPBytes(w.index),
    bigintToRLPBytes(w.validatorIndex),
    w.address,
    bigintToRLPBytes(w.amount),
  ];
}
