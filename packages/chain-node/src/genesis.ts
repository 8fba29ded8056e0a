import { randomBytes, scryptSync } from 'node:crypto';
import { type Block, blockHash, createGenesisBlock, type ValidatorInfo } from '@keel/consensus';
import {
  type BlsBackend,
  chacha20poly1305Open,
  chacha20poly1305Seal,
  ecvrfELL2,
  ed25519,
  sha256,
} from '@keel/crypto';
import {
  checkEpochParams,
  createGenesisState,
  type EpochParams,
  type EthBlockView,
  type EvmStateMode,
  type Ledger,
  type LedgerState,
} from '@keel/ledger';
import { bytesToHex, bytesToUtf8, hexToBytes, isHex, utf8ToBytes } from '@keel/util';
import { ChainNodeError, ChainNodeErrorCode } from './errors.ts';

export interface GenesisValidator {
  readonly name: string;
  readonly stake: number;
  readonly blsPublicKey: string;
  readonly vrfPublicKey: string;
  readonly proofOfPossession: string;
}

/** The EIP-155 chain id of a genesis file that names none (devnets): 1337. */
export const DEFAULT_EVM_CHAIN_ID = 1337;

/**
 * The genesis file (JSON): the chain id, validators with stakes, and initial balances (32-byte
 * ledger accounts or 20-byte EVM addresses, hex). `evmChainId` is the EIP-155 chain id of
 * Ethereum transactions (default `DEFAULT_EVM_CHAIN_ID`). `evmState` picks the EVM state
 * backend: `"mpt"` (default) or `"verkle"` (EIP-6800 tree; the Ethereum block view's
 * `stateRoot` is its root commitment and every block has an execution witness).
 */
export interface GenesisFile {
  readonly chainId: string;
  readonly evmChainId?: number;
  readonly evmState?: EvmStateMode;
  /**
   * Staking epochs (`@keel/ledger` `EpochParams`: epochLength, unbondingEpochs, jailEpochs,
   * slashFractionBps). Absent: the genesis validator set forever.
   */
  readonly epochs?: EpochParams;
  readonly genesisTime: number;
  readonly validators: readonly GenesisValidator[];
  readonly balances: readonly { readonly address: string; readonly amount: string }[];
}

export interface Genesis {
  readonly file: GenesisFile;
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly validators: ValidatorInfo[];
  /** The ledger's genesis state and its root (the genesis block commits to the root). */
  readonly state: LedgerState;
  readonly stateRoot: Uint8Array;
  /** The Ethereum view of block 0. */
  readonly eth?: EthBlockView;
}

function bad(msg: string): ChainNodeError {
  return new ChainNodeError(ChainNodeErrorCode.INVALID_GENESIS, `genesis: ${msg}`);
}

function hexField(v: unknown, len: number, where: string): string {
  if (typeof v !== 'string' || !isHex(v) || v.length !== 2 * len) {
    throw bad(`${where} must be ${len} bytes of hex`);
  }
  return v.toLowerCase();
}

/** Validates a parsed genesis JSON (every error names the offending field). */
export function parseGenesisFile(raw: unknown): GenesisFile {
  if (!raw || typeof raw !== 'object') throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.chainId !== 'string' || !/^[a-z0-9-]{1,32}$/.test(o.chainId)) {
    throw bad('chainId must be 1-32 characters of [a-z0-9-]');
  }
  if (!Number.isSafeInteger(o.genesisTime)) throw bad('genesisTime must be an integer');
  if (!Array.isArray(o.validators) || o.validators.length === 0 || o.validators.length > 1024) {
    throw bad('validators must be a list of 1..1024 entries');
  }
  const validators = o.validators.map((v: Record<string, unknown>, i: number) => {
    const w = `validators[${i}]`;
    if (!Number.isSafeInteger(v?.stake) || (v.stake as number) <= 0) {
      throw bad(`${w}.stake must be a positive integer`);
    }
    return {
      name: typeof v.name === 'string' ? v.name : `v${i}`,
      stake: v.stake as number,
      blsPublicKey: hexField(v.blsPublicKey, 48, `${w}.blsPublicKey`),
      vrfPublicKey: hexField(v.vrfPublicKey, 32, `${w}.vrfPublicKey`),
      proofOfPossession: hexField(v.proofOfPossession, 96, `${w}.proofOfPossession`),
    };
  });
  if (!Array.isArray(o.balances)) throw bad('balances must be a list');
  const balances = o.balances.map((b: Record<string, unknown>, i: number) => {
    const address =
      typeof b?.address === 'string' && b.address.length === 40
        ? hexField(b.address, 20, `balances[${i}].address`)
        : hexField(b?.address, 32, `balances[${i}].address`);
    if (typeof b.amount !== 'string' || !/^[0-9]{1,20}$/.test(b.amount)) {
      throw bad(`balances[${i}].amount must be a decimal string`);
    }
    if (BigInt(b.amount) >= 1n << 64n) throw bad(`balances[${i}].amount exceeds 2^64`);
    return { address, amount: b.amount };
  });
  if (
    o.evmChainId !== undefined &&
    (!Number.isSafeInteger(o.evmChainId) || (o.evmChainId as number) < 1)
  ) {
    throw bad('evmChainId must be a positive integer');
  }
  if (o.evmState !== undefined && o.evmState !== 'mpt' && o.evmState !== 'verkle') {
    throw bad('evmState must be "mpt" or "verkle"');
  }
  let epochs: EpochParams | undefined;
  if (o.epochs !== undefined) {
    const e = (o.epochs ?? {}) as Record<string, unknown>;
    epochs = {
      epochLength: e.epochLength as number,
      unbondingEpochs: e.unbondingEpochs as number,
      jailEpochs: e.jailEpochs as number,
      slashFractionBps: e.slashFractionBps as number,
    };
    const why = checkEpochParams(epochs);
    if (why) throw bad(`epochs: ${why}`);
  }
  return {
    chainId: o.chainId,
    ...(epochs ? { epochs } : {}),
    ...(o.evmChainId !== undefined ? { evmChainId: o.evmChainId as number } : {}),
    ...(o.evmState !== undefined ? { evmState: o.evmState as EvmStateMode } : {}),
    genesisTime: o.genesisTime as number,
    validators,
    balances,
  };
}

/**
 * Builds the ledger's genesis state and the genesis block (which commits to its root); checks
 * every validator's BLS proof of possession. A validator's staking account is its VRF key.
 */
export function loadGenesis(file: GenesisFile, bls: BlsBackend, ledger: Ledger): Genesis {
  const validators: ValidatorInfo[] = file.validators.map((v, i) => {
    const publicKey = hexToBytes(v.blsPublicKey);
    const proofOfPossession = hexToBytes(v.proofOfPossession);
    if (!bls.popVerify(publicKey, proofOfPossession)) {
      throw bad(`validators[${i}] proof of possession does not verify`);
    }
    return {
      stake: v.stake,
      publicKey,
      vrfPublicKey: hexToBytes(v.vrfPublicKey),
      proofOfPossession,
    };
  });
  const seen = new Set<string>();
  for (const b of file.balances) {
    if (seen.has(b.address)) throw bad(`address ${b.address} listed twice`);
    seen.add(b.address);
  }
  let g: { state: LedgerState; stateRoot: Uint8Array; eth?: EthBlockView };
  try {
    g = createGenesisState(ledger, {
      chainId: file.chainId,
      evmChainId: BigInt(file.evmChainId ?? DEFAULT_EVM_CHAIN_ID),
      ...(file.evmState !== undefined ? { evmState: file.evmState } : {}),
      ...(file.epochs ? { epochs: file.epochs } : {}),
      balances: file.balances.map((b) => ({
        address: hexToBytes(b.address),
        amount: BigInt(b.amount),
      })),
      validators: validators.map((v) => ({
        stake: BigInt(v.stake),
        blsPublicKey: v.publicKey,
        blsPop: v.proofOfPossession!,
        vrfPublicKey: v.vrfPublicKey!,
      })),
    });
  } catch (e) {
    throw bad((e as Error).message);
  }
  const block = createGenesisBlock({ chainId: file.chainId, validators, appState: g.stateRoot });
  return {
    file,
    block,
    hash: blockHash(block),
    validators,
    state: g.state,
    stateRoot: g.stateRoot,
    ...(g.eth ? { eth: g.eth } : {}),
  };
}

/** A validator's secrets: BLS signing key, ECVRF key, libp2p node key (all 32-byte seeds). */
export interface ValidatorKeys {
  readonly index: number;
  readonly blsSecretKey: Uint8Array;
  readonly vrfSecretKey: Uint8Array;
  readonly nodeKey: Uint8Array;
}

/** Derives keys from 32 random bytes (deterministic, so `--seed` devnets are reproducible). */
export function deriveValidatorKeys(index: number, seed: Uint8Array): ValidatorKeys {
  const d = (tag: string) => sha256(new Uint8Array([...utf8ToBytes(tag), ...seed]));
  const bls = d('keel/key/bls');
  bls[0]! &= 0x3f; // below the BLS12-381 group order
  return { index, blsSecretKey: bls, vrfSecretKey: d('keel/key/vrf'), nodeKey: d('keel/key/node') };
}

export function genesisValidator(name: string, stake: number, k: ValidatorKeys, bls: BlsBackend) {
  return {
    name,
    stake,
    blsPublicKey: bytesToHex(bls.secretKeyToPublicKey(k.blsSecretKey)),
    vrfPublicKey: bytesToHex(ecvrfELL2.getPublicKey(k.vrfSecretKey)),
    proofOfPossession: bytesToHex(bls.popProve(k.blsSecretKey)),
  } satisfies GenesisValidator;
}

/** A funded devnet account: its ed25519 seed and address (the ledger's: the public key). */
export function accountFromSeed(seed: Uint8Array): { secretKey: Uint8Array; address: string } {
  return { secretKey: seed, address: bytesToHex(ed25519.getPublicKey(seed)) };
}

const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;

/**
 * Keys on disk: JSON `{version, kdf: "scrypt", N, r, p, salt, nonce, ciphertext}`; the key is
 * scrypt(passphrase, salt) and the plaintext (ChaCha20-Poly1305) is the keys as hex JSON.
 */
export function encryptKeys(k: ValidatorKeys, passphrase: string): string {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  const plain = utf8ToBytes(
    JSON.stringify({
      index: k.index,
      blsSecretKey: bytesToHex(k.blsSecretKey),
      vrfSecretKey: bytesToHex(k.vrfSecretKey),
      nodeKey: bytesToHex(k.nodeKey),
    }),
  );
  const ct = chacha20poly1305Seal(new Uint8Array(key), new Uint8Array(nonce), plain);
  return JSON.stringify(
    {
      version: 1,
      kdf: 'scrypt',
      ...SCRYPT,
      salt: bytesToHex(salt),
      nonce: bytesToHex(nonce),
      ciphertext: bytesToHex(ct),
    },
    null,
    2,
  );
}

export function decryptKeys(json: string, passphrase: string): ValidatorKeys {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json);
  } catch {
    throw new ChainNodeError(ChainNodeErrorCode.INVALID_KEYS, 'key file is not JSON');
  }
  if (o.version !== 1 || o.kdf !== 'scrypt') {
    throw new ChainNodeError(ChainNodeErrorCode.INVALID_KEYS, 'key file: unknown version or kdf');
  }
  const salt = hexToBytes(hexField(o.salt, 16, 'salt'));
  const nonce = hexToBytes(hexField(o.nonce, 12, 'nonce'));
  if (typeof o.ciphertext !== 'string' || !isHex(o.ciphertext) || o.ciphertext.length > 4096) {
    throw new ChainNodeError(ChainNodeErrorCode.INVALID_KEYS, 'key file: bad ciphertext');
  }
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  let plain: Uint8Array;
  try {
    plain = chacha20poly1305Open(new Uint8Array(key), nonce, hexToBytes(o.ciphertext));
  } catch {
    throw new ChainNodeError(ChainNodeErrorCode.BAD_PASSPHRASE, 'wrong passphrase for key file');
  }
  const p = JSON.parse(bytesToUtf8(plain)) as Record<string, string | number>;
  return {
    index: p.index as number,
    blsSecretKey: hexToBytes(p.blsSecretKey as string),
    vrfSecretKey: hexToBytes(p.vrfSecretKey as string),
    nodeKey: hexToBytes(p.nodeKey as string),
  };
}
