import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlsBackend } from '@keel/crypto';
import { keccak256, nobleSecp256k1, sha256 } from '@keel/crypto';
import type { EvmStateMode } from '@keel/ledger';
import { BufferWriter, bytesToHex, utf8ToBytes } from '@keel/util';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import {
  accountFromSeed,
  DEFAULT_EVM_CHAIN_ID,
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
  /** Funded Ethereum (secp256k1) accounts; default 4. */
  readonly ethAccounts?: number;
  /** Wei per Ethereum account; default 10^19 (10 ether). */
  readonly ethBalance?: bigint;
  /** EIP-155 chain id; default `DEFAULT_EVM_CHAIN_ID` (1337). */
  readonly evmChainId?: number;
  /** EVM state backend written to the genesis file; default `mpt` (left out of the file). */
  readonly evmState?: EvmStateMode;
}

/** A funded devnet Ethereum account (development only: the key is on disk in clear). */
export interface EthDevAccount {
  readonly address: string;
  readonly privateKey: string;
}

/** The Ethereum address (0x, lower case) of a secp256k1 private key. */
export function ethAddressOf(privateKey: Uint8Array): string {
  const pub = nobleSecp256k1.publicKeyCreate(privateKey, false);
  return `0x${bytesToHex(keccak256(pub.subarray(1)).subarray(12))}`;
}

export interface InitGenesisResult {
  readonly genesisPath: string;
  readonly genesis: GenesisFile;
  readonly validators: { index: number; keysPath: string; peerId: string; dir: string }[];
  readonly accounts: { address: string; secretKey: string }[];
  readonly accountsPath: string;
  readonly ethAccounts: EthDevAccount[];
  /** `eth-accounts.json`: the Ethereum accounts' private keys. */
  readonly ethAccountsPath: string;
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
  const ethAccounts: EthDevAccount[] = Array.from({ length: p.ethAccounts ?? 4 }, (_, i) => {
    const sk = sub(p.seed, 'eth-account', i);
    return { address: ethAddressOf(sk), privateKey: `0x${bytesToHex(sk)}` };
  });
  const ethBalance = (p.ethBalance ?? 10n ** 19n).toString();
  const genesis: GenesisFile = {
    chainId: p.chainId,
    evmChainId: p.evmChainId ?? DEFAULT_EVM_CHAIN_ID,
    ...(p.evmState === 'verkle' ? { evmState: p.evmState } : {}),
    genesisTime: p.genesisTime,
    validators: keys.map((k) => genesisValidator(`validator-${k.index}`, p.stake, k, p.bls)),
    balances: [
      ...accounts.map((a) => ({ address: a.address, amount: p.balance.toString() })),
      ...ethAccounts.map((a) => ({ address: a.address.slice(2), amount: ethBalance })),
    ],
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
  const ethAccountsPath = join(p.dir, 'eth-accounts.json');
  writeFileSync(ethAccountsPath, `${JSON.stringify(ethAccounts, null, 2)}\n`, { mode: 0o600 });
  return {
    genesisPath,
    genesis,
    validators,
    accounts,
    accountsPath,
    ethAccounts,
    ethAccountsPath,
  };
}
