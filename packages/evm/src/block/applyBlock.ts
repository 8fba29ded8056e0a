import type { KzgBackend } from '@keel/crypto/kzg';
import { bytesToHex, equalBytes, hexToBytes, isKeelError } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { CANCUN, type ForkParams, SHANGHAI } from '../params.ts';
import type { WorldState } from '../state/types.ts';
import {
  recoverSender,
  type ValidateTransactionOptions,
  validateTransaction,
} from '../tx/index.ts';
import type { Address, Transaction } from '../tx/types.ts';
import { runTx, systemCall } from '../vm/index.ts';
import type { BlockEnv } from '../vm/types.ts';
import type { Block } from './block.ts';
import { logsBloom, orBloom } from './bloom.ts';
import { type BlockFork, type ChainConfig, forkAt } from './chainConfig.ts';
import type { BlockHeader } from './header.ts';
import type { Receipt } from './receipt.ts';
import { receiptsRoot, transactionsRoot, withdrawalsRoot } from './roots.ts';
import { validateHeader } from './validateHeader.ts';
import { GWEI, type Withdrawal } from './withdrawal.ts';

/** EIP-4788: the caller of the beacon-roots system call. */
export const SYSTEM_ADDRESS: Address = hexToBytes('fffffffffffffffffffffffffffffffffffffffe');
/** EIP-4788: the beacon-roots contract. */
export const BEACON_ROOTS_ADDRESS: Address = hexToBytes('000F3df6D732807Ef1319fB7B8bB8522d0Beac02');
/** EIP-4788: gas given to the system call (not counted against the block). */
export const SYSTEM_CALL_GAS = 30_000_000n;

export interface ApplyBlockOptions {
  /**
   * The hash of block `n` of this chain, for BLOCKHASH; asked only for
   * `header.number - 256 <= n < header.number`. Undefined reads as zero.
   */
  readonly getBlockHash: (n: bigint) => Uint8Array | undefined;
  /** KZG backend for the point-evaluation precompile. */
  readonly kzg?: KzgBackend | undefined;
}

export interface ApplyBlockResult {
  readonly fork: BlockFork;
  readonly receipts: readonly Receipt[];
  readonly gasUsed: bigint;
  readonly blobGasUsed: bigint;
  readonly logsBloom: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly transactionsRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
  readonly withdrawalsRoot: Uint8Array;
}

const FORK_PARAMS: Record<BlockFork, ForkParams> = { shanghai: SHANGHAI, cancun: CANCUN };

function invalid(h: BlockHeader, reason: string, meta: Record<string, string> = {}): never {
  throw new EvmError(EvmErrorCode.BLOCK_INVALID, `block ${h.number}: ${reason}`, {
    number: h.number.toString(),
    ...meta,
  });
}

/**
 * The transaction on its own (fork, chain id, sizes, intrinsic gas) and its sender; any refusal
 * makes the block invalid.
 */
function checkedSender(
  h: BlockHeader,
  tx: Transaction,
  i: number,
  opts: ValidateTransactionOptions,
): Address {
  try {
    validateTransaction(tx, opts);
    return recoverSender(tx);
  } catch (e) {
    if (!isKeelError(e)) throw e;
    return invalid(h, `tx ${i}: ${e.message}`, { cause: e.code });
  }
}

/** EIP-4788: store the parent beacon block root in the beacon-roots contract. */
function beaconRootsCall(
  state: WorldState,
  root: Uint8Array,
  env: BlockEnv,
  fork: ForkParams,
  kzg: KzgBackend | undefined,
) {
  systemCall(state, SYSTEM_ADDRESS, BEACON_ROOTS_ADDRESS, root, env, SYSTEM_CALL_GAS, {
    fork,
    kzg,
  });
  // execution-specs (Cancun apply_body): an empty account at the address does not survive the call.
  if (state.exists(BEACON_ROOTS_ADDRESS) && state.isEmpty(BEACON_ROOTS_ADDRESS)) {
    state.deleteAccount(BEACON_ROOTS_ADDRESS);
  }
}

/**
 * EIP-4895: credit each withdrawal (gwei → wei) after the transactions; no gas, no EVM. An
 * account left empty (a zero amount to an empty or absent account) does not exist afterwards.
 */
function applyWithdrawals(state: WorldState, withdrawals: readonly Withdrawal[]): void {
  state.beginTx();
  for (const w of withdrawals) {
    if (w.amount > 0n) state.addBalance(w.address, w.amount * GWEI);
    if (state.exists(w.address) && state.isEmpty(w.address)) state.deleteAccount(w.address);
  }
  state.endTx();
}

function blockEnv(h: BlockHeader, config: ChainConfig, opts: ApplyBlockOptions): BlockEnv {
  return {
    chainId: config.chainId,
    coinbase: h.coinbase,
    number: h.number,
    timestamp: h.timestamp,
    gasLimit: h.gasLimit,
    baseFee: h.baseFeePerGas ?? 0n,
    prevRandao: h.prevRandao,
    excessBlobGas: h.excessBlobGas ?? 0n,
    getBlockHash: opts.getBlockHash,
  };
}

interface TxTotals {
  receipts: Receipt[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  bloom: Uint8Array;
}

function applyTransactions(
  state: WorldState,
  block: Block,
  env: BlockEnv,
  config: ChainConfig,
  fork: BlockFork,
  kzg: KzgBackend | undefined,
): TxTotals {
  const h = block.header;
  const params = FORK_PARAMS[fork];
  const totals: TxTotals = {
    receipts: [],
    gasUsed: 0n,
    blobGasUsed: 0n,
    bloom: new Uint8Array(256),
  };
  block.transactions.forEach((tx, i) => {
    const gasAvailable = h.gasLimit - totals.gasUsed;
    if (tx.gasLimit > gasAvailable) {
      invalid(h, `tx ${i}: gas limit ${tx.gasLimit} exceeds the ${gasAvailable} left in the block`);
    }
    const sender = checkedSender(h, tx, i, { fork: params, chainId: config.chainId });
    const r = runTx(state, tx, sender, env, {
      fork: params,
      kzg,
      gasAvailable,
      blobGasAvailable: params.maxBlobGasPerBlock - totals.blobGasUsed,
    });
    if (!r.valid) invalid(h, `tx ${i}: ${r.reason}: ${r.message}`, { reason: r.reason });
    totals.gasUsed += r.gasUsed;
    totals.blobGasUsed += r.blobGasUsed;
    const bloom = logsBloom(r.logs);
    orBloom(totals.bloom, bloom);
    totals.receipts.push({
      type: tx.type,
      status: r.status === 1,
      cumulativeGasUsed: totals.gasUsed,
      logsBloom: bloom,
      logs: r.logs,
    });
  });
  return totals;
}

function expectRoot(h: BlockHeader, field: string, got: Uint8Array, want: Uint8Array | undefined) {
  if (want === undefined || !equalBytes(got, want)) {
    invalid(
      h,
      `${field} mismatch: computed 0x${bytesToHex(got)}, header has ${want ? `0x${bytesToHex(want)}` : 'none'}`,
    );
  }
}

/**
 * Applies `block` on top of `parent` to `state` (which holds the parent's post-state), as
 * execution-specs' Cancun/Shanghai `state_transition` does: header checks against the parent,
 * no ommers, the EIP-4788 beacon-roots system call (Cancun), every transaction through `runTx`
 * (an invalid transaction makes the block invalid), withdrawals, then the header's gasUsed,
 * blobGasUsed, logsBloom and the state, transactions, receipts and withdrawals roots.
 * There is no block reward after the merge; fees are paid by `runTx`.
 *
 * Throws `EvmError` `BLOCK_INVALID`. On a throw `state` is left part-way through the block:
 * callers that must keep the parent state apply the block to a copy.
 */
export function applyBlock(
  state: WorldState,
  block: Block,
  parent: BlockHeader,
  config: ChainConfig,
  opts: ApplyBlockOptions,
): ApplyBlockResult {
  const h = block.header;
  validateHeader(h, parent, config);
  const fork = forkAt(config, h.timestamp);
  if (block.ommers.length !== 0) invalid(h, `${block.ommers.length} ommers after the merge`);
  if (block.withdrawals === undefined) invalid(h, 'no withdrawals list (required from Shanghai)');
  const env = blockEnv(h, config, opts);
  if (fork === 'cancun') beaconRootsCall(state, h.parentBeaconBlockRoot!, env, CANCUN, opts.kzg);
  const totals = applyTransactions(state, block, env, config, fork, opts.kzg);
  applyWithdrawals(state, block.withdrawals);

  if (totals.gasUsed !== h.gasUsed) invalid(h, `gasUsed ${h.gasUsed}, computed ${totals.gasUsed}`);
  if (fork === 'cancun' && totals.blobGasUsed !== h.blobGasUsed) {
    invalid(h, `blobGasUsed ${h.blobGasUsed}, computed ${totals.blobGasUsed}`);
  }
  const result: ApplyBlockResult = {
    fork,
    receipts: totals.receipts,
    gasUsed: totals.gasUsed,
    blobGasUsed: totals.blobGasUsed,
    logsBloom: totals.bloom,
    transactionsRoot: transactionsRoot(block.encodedTransactions),
    receiptsRoot: receiptsRoot(totals.receipts),
    withdrawalsRoot: withdrawalsRoot(block.withdrawals),
    stateRoot: state.stateRoot(),
  };
  if (!equalBytes(result.logsBloom, h.logsBloom)) invalid(h, 'logsBloom mismatch');
  expectRoot(h, 'transactionsRoot', result.transactionsRoot, h.transactionsRoot);
  expectRoot(h, 'receiptsRoot', result.receiptsRoot, h.receiptsRoot);
  expectRoot(h, 'withdrawalsRoot', result.withdrawalsRoot, h.withdrawalsRoot);
  expectRoot(h, 'stateRoot', result.stateRoot, h.stateRoot);
  return result;
}
