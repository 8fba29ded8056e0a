import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { initGenesis } from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { hexToBytes } from '@keel/util';
import { CliError } from '../../../errors.ts';
import type { InitGenesisOptions } from './options.ts';

export function readPassphrase(path: string): string {
  let p: string;
  try {
    p = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new CliError(`--passphrase-file: cannot read ${path}: ${(e as Error).message}`);
  }
  if (p.length < 8) throw new CliError('--passphrase-file: passphrase shorter than 8 characters');
  return p;
}

export async function initGenesisHandler(o: InitGenesisOptions): Promise<number> {
  const passphrase = readPassphrase(o.passphraseFile);
  const r = await initGenesis({
    dir: o.out,
    chainId: o.chainId,
    validators: o.validators,
    stake: o.stake,
    accounts: o.accounts,
    balance: BigInt(o.balance),
    passphrase,
    seed: o.seed ? hexToBytes(o.seed) : new Uint8Array(randomBytes(32)),
    genesisTime: Date.now(),
    bls: await loadBlsBackend('blst'),
  });
  const summary = {
    genesis: r.genesisPath,
    chainId: r.genesis.chainId,
    validators: r.validators.map((v) => ({ index: v.index, keys: v.keysPath, peerId: v.peerId })),
    accounts: r.accountsPath,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(`genesis   ${r.genesisPath} (chain ${r.genesis.chainId})\n`);
    for (const v of summary.validators) {
      process.stdout.write(`validator ${v.index}  keys ${v.keys}  peer ${v.peerId}\n`);
    }
    process.stdout.write(`accounts  ${r.accountsPath} (funded dev accounts with secret keys)\n`);
  }
  return 0;
}
