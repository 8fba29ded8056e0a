import { accountFromSeed, signTransfer } from '@keel/chain-node';
import { sha256 } from '@keel/crypto';
import { hexToBytes, utf8ToBytes } from '@keel/util';

export const CHAIN = 'keel-test';

export function account(i: number): { secretKey: Uint8Array; address: string } {
  return accountFromSeed(sha256(utf8ToBytes(`keel/test/account/${i}`)));
}

export function transfer(
  from: number,
  to: number,
  nonce: bigint,
  fee = 1n,
  amount = 1n,
  chainId = CHAIN,
): Uint8Array {
  return signTransfer({
    chainId,
    secretKey: account(from).secretKey,
    to: hexToBytes(account(to).address),
    amount,
    fee,
    nonce,
  });
}
