import { readFileSync } from 'node:fs';
import { createHttpClient } from '@keel/api';
import { addressFromSeed, encodeTx, signTx, type UnsignedTx } from '@keel/ledger';
import { bytesToHex, hexToBytes, isHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import type { TxCommon } from './options.ts';

type Body =
  | { kind: 'transfer'; to: Uint8Array; amount: bigint }
  | { kind: 'deploy'; code: Uint8Array; initInput: Uint8Array }
  | { kind: 'call'; to: Uint8Array; value: bigint; method: string; input: Uint8Array };

function readSeed(path: string): Uint8Array {
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

/** Signs a ledger transaction with the account's seed and submits it (chain_sendTransaction). */
export async function sendTx(o: TxCommon, body: Body): Promise<number> {
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
    gasLimit: o.gasLimit,
    gasPrice: BigInt(o.gasPrice),
    ...body,
  } as UnsignedTx;
  const raw = encodeTx(signTx(tx, seed));
  const r = await client.call('chain_sendTransaction', { raw: bytesToHex(raw) });
  const out = { hash: r.hash, status: r.status, from: bytesToHex(from), nonce: nonce.toString() };
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`submitted ${r.hash} (${r.status}) from ${out.from} nonce ${nonce}\n`);
  return 0;
}
