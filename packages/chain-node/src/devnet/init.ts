import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlsBackend } from '@keel/crypto';
import { sha256 } from '@keel/crypto';
import { BufferWriter, bytesToHex, utf8ToBytes } from '@keel/util';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import {
  accountFromSeed,
  deriveValidatorKeys,
  encryptKeys,
  type GenesisFile,
  genesisValidator,
  type ValidatorKeys,
} from '../genesis.ts';

export interface InitGenesisParameters {
  readonly dir: string;
  readonly chainId: string;
  readonly validators: number;
  readonly stake: number;
  readonly accounts: number;
  readonly balance: bigint;
  readonly passphrase: string;
  /** 32 bytes: makes every key deterministic (devnets, tests); random when absent. */
  readonly seed: Uint8Array;
  readonly genesisTime: number;
  readonly bls: BlsBackend;
}

export interface InitGenesisResult {
  readonly genesisPath: string;
  readonly genesis: GenesisFile;
  readonly validators: { index: number; keysPath: string; peerId: string; dir: string }[];
  readonly accounts: { address: string; secretKey: string }[];
  readonly accountsPath: string;
}

function sub(seed: Uint8Array, tag: string, i: number): Uint8Array {
  return sha256(new BufferWriter(64).bytes(utf8ToBytes(tag)).u32le(i).bytes(seed).finish());
}

/** The libp2p peer id of a node key seed (what static peer lists name). */
export async function peerIdOfNodeKey(nodeKey: Uint8Array): Promise<string> {
  const key = (await generateKeyPairFromSeed('Ed25519', nodeKey)) as unknown;
  return peerIdFromPrivateKey(key as Parameters<typeof peerIdFromPrivateKey>[0]).toString();
}

/**
 * Writes `genesis.json`, one `validator-<i>/keys.json` per validator (encrypted with the
 * passphrase) and `accounts.json` (the funded accounts' secret keys: for development only).
 */
export async function initGenesis(p: InitGenesisParameters): Promise<InitGenesisResult> {
  mkdirSync(p.dir, { recursive: true });
  const keys: ValidatorKeys[] = [];
  for (let i = 0; i < p.validators; i++) keys.push(deriveValidatorKeys(i, sub(p.seed, 'v', i)));
  const accounts = Array.from({ length: p.accounts }, (_, i) => {
    const a = accountFromSeed(sub(p.seed, 'account', i));
    return { address: a.address, secretKey: bytesToHex(a.secretKey) };
  });
  const genesis: GenesisFile = {
    chainId: p.chainId,
    genesisTime: p.genesisTime,
    validators: keys.map((k) => genesisValidator(`validator-${k.index}`, p.stake, k, p.bls)),
    balances: accounts.map((a) => ({ address: a.address, amount: p.balance.toString() })),
  };
  const genesisPath = join(p.dir, 'genesis.json');
  writeFileSync(genesisPath, `${JSON.stringify(genesis, null, 2)}\n`);
  const validators = [];
  for (const k of keys) {
    const dir = join(p.dir, `validator-${k.index}`);
    mkdirSync(dir, { recursive: true });
    const keysPath = join(dir, 'keys.json');
    writeFileSync(keysPath, encryptKeys(k, p.passphrase), { mode: 0o600 });
    validators.push({ index: k.index, keysPath, dir, peerId: await peerIdOfNodeKey(k.nodeKey) });
  }
  const accountsPath = join(p.dir, 'accounts.json');
  writeFileSync(accountsPath, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  return { genesisPath, genesis, validators, accounts, accountsPath };
}
