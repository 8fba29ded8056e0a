import { readFileSync } from 'node:fs';
import { decryptKeys, peerIdOfNodeKey } from '@keel/chain-node';
import { ecvrfELL2, loadBlsBackend } from '@keel/crypto';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import { readPassphrase } from '../init-genesis/handler.ts';
import type { KeysOptions } from './options.ts';

/** Decrypts a validator key file and prints its public parts (never the secrets). */
export async function keysHandler(o: KeysOptions): Promise<number> {
  let json: string;
  try {
    json = readFileSync(o.keys, 'utf8');
  } catch (e) {
    throw new CliError(`--keys: cannot read ${o.keys}: ${(e as Error).message}`);
  }
  const k = decryptKeys(json, readPassphrase(o.passphraseFile));
  const bls = await loadBlsBackend('blst');
  const out = {
    index: k.index,
    blsPublicKey: bytesToHex(bls.secretKeyToPublicKey(k.blsSecretKey)),
    vrfPublicKey: bytesToHex(ecvrfELL2.getPublicKey(k.vrfSecretKey)),
    stakingAccount: bytesToHex(ecvrfELL2.getPublicKey(k.vrfSecretKey)),
    peerId: await peerIdOfNodeKey(k.nodeKey),
  };
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else for (const [key, v] of Object.entries(out)) process.stdout.write(`${key.padEnd(16)}${v}\n`);
  return 0;
}
