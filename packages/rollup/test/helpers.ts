import { hexToBytes } from '@keel/util';
import { type Hex, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export const CHAIN_ID = 901;
export const KEYS: Hex[] = [
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
];
export const ACCOUNTS = KEYS.map((k) => privateKeyToAccount(k));
export const ADDRS = ACCOUNTS.map((a) => hexToBytes(a.address.slice(2)));

/** A real EIP-1559 transaction signed by viem (independent of @keel/evm's encoder). */
export async function signTransfer(opts: {
  from: number;
  to: Uint8Array;
  value: bigint;
  nonce: number;
  tip?: bigint;
  data?: Uint8Array;
  gas?: bigint;
}): Promise<Uint8Array> {
  const raw = await ACCOUNTS[opts.from]!.signTransaction({
    type: 'eip1559',
    chainId: CHAIN_ID,
    nonce: opts.nonce,
    to: toHex(opts.to),
    value: opts.value,
    gas: opts.gas ?? 21_000n,
    maxFeePerGas: (opts.tip ?? 1n) + 1n,
    maxPriorityFeePerGas: opts.tip ?? 1n,
    ...(opts.data ? { data: toHex(opts.data) } : {}),
  });
  return hexToBytes(raw.slice(2));
}
