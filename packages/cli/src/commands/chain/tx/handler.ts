import { readFileSync } from 'node:fs';
import { createHttpClient } from '@keel/api';
import { addressFromSeed, encodeTx, signTx, type UnsignedTx } from '@keel/ledger';
import { bytesToHex, hexToBytes, isHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import type { TxCommon } from './options.ts';

export type Body =
  | { kind: 'transfer'; to: Uint8Array; amount: bigint }
  | { kind: 'deploy'; code: Uint8Array; initInput: Uint8Array }
  | { kind: 'call'; to: Uint8Array; value: bigint; method: string; input: Uint8Array };

export function readSeed(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new CliError(`--secret-key-file: cannot read ${path}: ${(e as Error).message}`);
  }
  if (!isHex(text) || text.length !== 64) {
    throw new CliError('--secret-key-file: expected a 32-byte ed25519 seed in hex');
  }
  return hexToBytes(text);
}

export interface Submitted {
  readonly hash: string;
  readonly status: 'added' | 'replaced' | 'known';
  readonly from: string;
  readonly nonce: bigint;
  readonly gasLimit: number;
}

/**
 * Signs a ledger transaction with the account's seed and submits it (chain_sendTransaction).
 * The chain id comes from the node; the nonce too unless given. `gasLimit` may be a function of
 * the unsigned transaction (a contract's gas on top of the intrinsic cost).
 */
export async function submitTx(
  o: Omit<TxCommon, 'gasLimit' | 'json'> & { gasLimit: number | ((tx: UnsignedTx) => number) },
  body: Body,
): Promise<Submitted> {
  const seed = readSeed(o.secretKeyFile);
  const from = addressFromSeed(seed);
  const client = createHttpClient({ url: o.rpc });
  const status = await client.call('consensus_getStatus', {});
  const nonce =
    o.nonce !== undefined
      ? BigInt(o.nonce)
      : BigInt((await client.call('state_getAccount', { address: bytesToHex(from) })).nonce);
  const tx = {
    chainId: status.chainId,
    from,
    nonce,
    gasLimit: 0,
    gasPrice: BigInt(o.gasPrice),
    ...body,
  } as UnsignedTx;
  const gasLimit = typeof o.gasLimit === 'number' ? o.gasLimit : o.gasLimit(tx);
  const raw = encodeTx(signTx({ ...tx, gasLimit }, seed));
  const r = await client.call('chain_sendTransaction', { raw: bytesToHex(raw) });
  return { hash: r.hash, status: r.status, from: bytesToHex(from), nonce, gasLimit };
}

/** `keel chain tx …`: submit and print what the node said (no wait for inclusion). */
export async function sendTx(o: TxCommon, body: Body): Promise<number> {
  const r = await submitTx(o, body);
  const out = { hash: r.hash, status: r.status, from: r.from, nonce: r.nonce.toString() };
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else
    process.stdout.write(`submitted ${r.hash} (${r.status}) from ${out.from} nonce ${r.nonce}\n`);
  return 0;
}
