import { bigIntToBytes, bytesToBigInt } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';
import { ALIAS_OFFSET, MAX_MESSAGE_DATA } from '../params.ts';
import type { Deposit } from '../types.ts';
import { eventTopic, readAddress, readBytes, readWord } from './abi.ts';

export const DEPOSIT_TOPIC: Uint8Array = eventTopic(
  'Deposit(uint256,address,address,uint256,bytes)',
);

/** OP's address aliasing: L1 `from` + 0x1111…1111 mod 2^160. */
export function aliasAddress(from: Uint8Array): Uint8Array {
  return bigIntToBytes((bytesToBigInt(from) + ALIAS_OFFSET) % (1n << 160n), 20);
}

/** Decodes a `Bridge.Deposit` log (topics: signature, nonce, from; data: to, value, data). */
export function depositFromLog(
  topics: readonly Uint8Array[],
  data: Uint8Array,
  l1Block: bigint,
): Deposit {
  if (topics.length !== 3 || topics.some((t) => t.length !== 32)) {
    throw new RollupError(RollupErrorCode.INVALID_LOG, `Deposit log has ${topics.length} topics`);
  }
  return {
    nonce: bytesToBigInt(topics[1]!),
    from: readAddress(topics[2]!),
    to: readAddress(readWord(data, 0)),
    value: bytesToBigInt(readWord(data, 1)),
    data: readBytes(data, 2, MAX_MESSAGE_DATA),
    l1Block,
  };
}
