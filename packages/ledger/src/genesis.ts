import { EMPTY_TRIE_ROOT, headerHash } from '@keel/evm';
import { bigIntToBytes, bytesToHex, utf8ToBytes } from '@keel/util';
import { LedgerError, LedgerErrorCode } from './errors.ts';
import { buildHeader, type EthBlockView, writeHead } from './evm/block.ts';
import { evmAccountAddress, META_EVM_CHAIN_ID } from './evm/keys.ts';
import { type EvmStateMode, META_EVM_STATE } from './evm/verkleKeys.ts';
import { buildVerkleTree, rememberVerkleTree } from './evm/verkleState.ts';
import type { Ledger } from './ledger.ts';
import type { LedgerParams } from './params.ts';
import { readAccount, writeAccount } from './state/account.ts';
import {
  checkEpochParams,
  type EpochParams,
  type EpochValidator,
  writeEpochParams,
  writeEpochSet,
} from './state/epochs.ts';
import { META_CHAIN_ID } from './state/keys.ts';
import { LedgerState, StateOverlay } from './state/ledgerState.ts';
import { MAX_U128 } from './tx/encoding.ts';

export interface GenesisValidator {
  /**
   * The staking account (an ed25519 public key). Defaults to `vrfPublicKey`: a validator that
   * derives its ECVRF and account keys from one ed25519 seed has that address.
   */
  readonly address?: Uint8Array;
  readonly stake: bigint;
  readonly blsPublicKey: Uint8Array;
  readonly blsPop: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
}

export interface GenesisConfig {
  readonly chainId: string;
  /**
   * 32-byte ledger accounts, or 20-byte EVM addresses (the account `0x00 × 12 ‖ address`, see
   * `evm/keys.ts`: one balance per account).
   */
  readonly balances: readonly { readonly address: Uint8Array; readonly amount: bigint }[];
  /**
   * The EIP-155 chain id of Ethereum transactions (1..2^53-1). Present: the EVM is enabled and
   * every block gets an Ethereum block view. Absent: native transactions only.
   */
  readonly evmChainId?: bigint;
  /**
   * The EVM state backend (needs `evmChainId`): `"mpt"` (default) commits the EVM in the
   * ledger's hashed tree; `"verkle"` also keeps it in an EIP-6800 verkle tree whose root
   * commitment is each Ethereum block view's `stateRoot`, with per-block execution witnesses.
   */
  readonly evmState?: EvmStateMode;
  /** Their stake is created, not taken from `balances`. */
  readonly validators: readonly GenesisValidator[];
  /**
   * Staking epochs (`state/epochs.ts`): stake changes reach the consensus set at epoch
   * boundaries, unstaked bonds unbond, evidence slashes and jails. Absent: the genesis set
   * forever and stake changes only move the ledger's records (and roots stay as before).
   * The genesis list (epochs 0 and 1) is `validators` in this order.
   */
  readonly epochs?: EpochParams;
}

function bad(message: string): LedgerError {
  return new LedgerError(LedgerErrorCode.INVALID_GENESIS, message);
}

/**
 * The genesis state: chain id, balances and validators (each proof of possession verified).
 * Deterministic: the same config gives the same root in any order of entries.
 */
export function createGenesisState(
  ledger: Ledger,
  config: GenesisConfig,
): { state: LedgerState; stateRoot: Uint8Array; eth?: EthBlockView } {
  if (!/^[\x21-\x7e]{1,32}$/.test(config.chainId))
    throw bad('chainId must be 1..32 printable ASCII characters');
  if (config.validators.length === 0) throw bad('genesis needs at least one validator');
  const overlay = new StateOverlay(LedgerState.empty());
  overlay.set(META_CHAIN_ID, utf8ToBytes(config.chainId));
  for (const [i, b] of config.balances.entries()) {
    if (!(b.address instanceof Uint8Array) || (b.address.length !== 32 && b.address.length !== 20))
      throw bad(`balances[${i}].address must be 32 bytes (or 20 for an EVM address)`);
    const address = b.address.length === 20 ? evmAccountAddress(b.address) : b.address;
    const a = readAccount(overlay, address);
    const balance = a.balance + b.amount;
    if (b.amount < 0n || balance > MAX_U128) throw bad(`balances[${i}].amount out of range`);
    writeAccount(overlay, address, { ...a, balance });
  }
  for (const [i, g] of config.validators.entries()) {
    const v = { ...g, address: g.address ?? g.vrfPublicKey };
    if (!(v.address instanceof Uint8Array) || v.address.length !== 32)
      throw bad(`validators[${i}].address must be 32 bytes`);
    if (!(v.blsPublicKey instanceof Uint8Array) || v.blsPublicKey.length !== 48)
      throw bad(`validators[${i}].blsPublicKey must be 48 bytes`);
    if (!(v.blsPop instanceof Uint8Array) || v.blsPop.length !== 96)
      throw bad(`validators[${i}].blsPop must be 96 bytes`);
    if (!(v.vrfPublicKey instanceof Uint8Array) || v.vrfPublicKey.length !== 32)
      throw bad(`validators[${i}].vrfPublicKey must be 32 bytes`);
    const err = ledger.stakeAtGenesis(overlay, {
      address: v.address,
      amount: v.stake,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    });
    if (err) throw bad(`validators[${i}] (${bytesToHex(v.address)}): ${err}`);
  }
  if (config.epochs) {
    const why = checkEpochParams(config.epochs);
    if (why) throw bad(`epochs: ${why}`);
    writeEpochParams(overlay, config.epochs);
    const list: EpochValidator[] = config.validators.map((g) => ({
      address: g.address ?? g.vrfPublicKey,
      power: Number(g.stake / ledger.params.powerUnit),
      blsPublicKey: g.blsPublicKey,
      blsPop: g.blsPop,
      vrfPublicKey: g.vrfPublicKey,
    }));
    writeEpochSet(overlay, 0, list);
    writeEpochSet(overlay, 1, list);
  }
  // No account can ever exceed u128 if the whole supply fits in it (fees only burn or move).
  const supply =
    config.balances.reduce((t, b) => t + b.amount, 0n) +
    config.validators.reduce((t, v) => t + v.stake, 0n);
  if (supply > MAX_U128) throw bad(`total supply ${supply} exceeds u128`);
  let eth: EthBlockView | undefined;
  if (config.evmChainId !== undefined) {
    const id = config.evmChainId;
    if (typeof id !== 'bigint' || id < 1n || id > BigInt(Number.MAX_SAFE_INTEGER))
      throw bad('evmChainId must be 1..2^53-1');
    overlay.set(META_EVM_CHAIN_ID, bigIntToBytes(id, 8));
    const mode = config.evmState ?? 'mpt';
    if (mode !== 'mpt' && mode !== 'verkle') throw bad('evmState must be "mpt" or "verkle"');
    if (mode === 'verkle') overlay.set(META_EVM_STATE, utf8ToBytes('verkle'));
    eth = genesisEthBlock(overlay, ledger.params, mode === 'verkle');
  } else if (config.evmState !== undefined && config.evmState !== 'mpt') {
    throw bad('evmState "verkle" needs evmChainId (the EVM enabled)');
  }
  const state = overlay.commit();
  return { state, stateRoot: state.root(), ...(eth ? { eth } : {}) };
}

/** The chain id recorded in a state (undefined before genesis). */
export function chainIdOf(state: LedgerState): string | undefined {
  const b = state.get(META_CHAIN_ID);
  return b ? new TextDecoder().decode(b) : undefined;
}

/** The Ethereum view of block 0 (empty; its state root is the genesis root before this record). */
function genesisEthBlock(
  overlay: StateOverlay,
  params: LedgerParams,
  verkle: boolean,
): EthBlockView {
  const tree = verkle ? buildVerkleTree(overlay.commit()) : undefined;
  const header = buildHeader({
    parentHash: new Uint8Array(32),
    coinbase: new Uint8Array(20),
    stateRoot: tree ? tree.rootCommitment() : overlay.commit().root(),
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    number: 0n,
    gasLimit: BigInt(params.evmBlockGasLimit),
    gasUsed: 0n,
    timestamp: 0n,
    prevRandao: new Uint8Array(32),
    baseFee: params.evmMinBaseFee,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
  });
  const hash = headerHash(header);
  if (tree) rememberVerkleTree(hash, tree);
  writeHead(overlay, {
    number: 0n,
    hash,
    baseFee: params.evmMinBaseFee,
    gasUsed: 0n,
    gasLimit: header.gasLimit,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
  });
  return { header, hash, transactions: [], size: 600 };
}
