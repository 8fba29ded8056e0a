import { keccak256 } from '@keel/crypto';
import {
  type Address,
  type BlockEnv,
  bigintToRLPBytes,
  CANCUN,
  createMemoryWorldState,
  decodeTransaction,
  encodeRLP,
  type Log,
  recoverSender,
  runTx,
  systemCall,
  type Transaction,
  transactionsRoot,
  txHash,
  validateTransaction,
  type WorldState,
} from '@keel/evm';
import { hexToBytes, isKeelError } from '@keel/util';
import { aliasAddress } from '../bridge/deposits.ts';
import { withdrawalFromLog } from '../bridge/withdrawals.ts';
import { ROLLUP_CONTRACTS } from '../contracts/artifacts.ts';
import { RollupError, RollupErrorCode } from '../errors.ts';
import { DEPOSIT_CALL_GAS, L2_BRIDGE_ADDRESS, type L2ChainParams } from '../params.ts';
import type { Deposit, L2BlockData, WithdrawalMessage } from '../types.ts';

/** What an L2 block commits to; `hash` = keccak256(rlp([parentHash, number, timestamp, l1Origin, stateRoot, txsRoot])). */
export interface L2Header {
  readonly parentHash: Uint8Array;
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly l1Origin: bigint;
  readonly stateRoot: Uint8Array;
  readonly txsRoot: Uint8Array;
  readonly gasUsed: bigint;
  readonly hash: Uint8Array;
}

export interface L2Receipt {
  readonly txHash: Uint8Array;
  readonly type: number;
  readonly from: Address;
  readonly to: Address | null;
  readonly nonce: bigint;
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly Log[];
  readonly createdAddress: Address | undefined;
}

export interface ExecutedBlock {
  readonly header: L2Header;
  readonly data: L2BlockData;
  readonly receipts: readonly L2Receipt[];
  readonly deposits: readonly Deposit[];
  /** Withdrawals initiated in this block (deposit calls first, then txs), in log order. */
  readonly withdrawals: readonly WithdrawalMessage[];
}

export function l2BlockHash(h: Omit<L2Header, 'hash' | 'gasUsed'>): Uint8Array {
  return keccak256(
    encodeRLP([
      h.parentHash,
      bigintToRLPBytes(h.number),
      bigintToRLPBytes(h.timestamp),
      bigintToRLPBytes(h.l1Origin),
      h.stateRoot,
      h.txsRoot,
    ]),
  );
}

/** Genesis: `alloc` plus the L2Bridge predeploy; block 0 with a zero parent hash. */
export function createL2Genesis(
  alloc: Iterable<readonly [Address, bigint]>,
  timestamp: bigint,
): { state: WorldState; header: L2Header } {
  const accounts: [Address, { nonce: bigint; balance: bigint; code: Uint8Array }][] = [];
  for (const [a, balance] of alloc)
    accounts.push([a, { nonce: 0n, balance, code: new Uint8Array(0) }]);
  const code = hexToBytes(ROLLUP_CONTRACTS.L2Bridge.deployedBytecode.slice(2));
  accounts.push([L2_BRIDGE_ADDRESS, { nonce: 1n, balance: 0n, code }]);
  const state = createMemoryWorldState(accounts);
  const base = {
    parentHash: new Uint8Array(32),
    number: 0n,
    timestamp,
    l1Origin: 0n,
    stateRoot: state.stateRoot(),
    txsRoot: transactionsRoot([]),
  };
  return { state, header: { ...base, gasUsed: 0n, hash: l2BlockHash(base) } };
}

/** Why a transaction cannot go into the block (the state is untouched). */
export interface TxRejection {
  readonly ok: false;
  readonly reason: string;
  readonly message: string;
}

/** Decodes and checks a raw L2 tx without state: envelope, chain id, no blobs, signature. */
export function checkL2Tx(
  raw: Uint8Array,
  chainId: bigint,
): { ok: true; tx: Transaction; sender: Address; hash: Uint8Array } | TxRejection {
  try {
    const tx = decodeTransaction(raw);
    if (tx.type === 3)
      return { ok: false, reason: 'BLOB_TX', message: 'no blob transactions on L2' };
    validateTransaction(tx, { chainId, fork: CANCUN });
    return { ok: true, tx, sender: recoverSender(tx), hash: txHash(tx) };
  } catch (e) {
    if (!isKeelError(e)) throw e;
    const reason = String((e.meta as { reason?: string }).reason ?? e.code);
    return { ok: false, reason, message: e.message };
  }
}

/**
 * Builds one L2 block on `state` (mutated): deposits first, then transactions one by one. The
 * sequencer calls `addTx` per candidate and keeps the ones accepted; a verifier replays a posted
 * block through `executeL2Block`, where any rejection makes the block invalid.
 */
export class L2BlockBuilder {
  readonly #state: WorldState;
  readonly #parent: L2Header;
  readonly #params: L2ChainParams;
  readonly #env: BlockEnv;
  readonly #meta: Omit<L2BlockData, 'txs'>;
  readonly #txs: Uint8Array[] = [];
  readonly #receipts: L2Receipt[] = [];
  readonly #withdrawals: WithdrawalMessage[] = [];
  readonly #deposits: readonly Deposit[];
  #gasUsed = 0n;

  constructor(
    state: WorldState,
    parent: L2Header,
    meta: Omit<L2BlockData, 'txs'>,
    deposits: readonly Deposit[],
    params: L2ChainParams,
    getBlockHash: (n: bigint) => Uint8Array | undefined,
  ) {
    this.#state = state;
    this.#parent = parent;
    this.#params = params;
    this.#meta = meta;
    this.#deposits = deposits;
    this.#env = {
      chainId: params.chainId,
      coinbase: params.coinbase,
      number: meta.number,
      timestamp: meta.timestamp,
      gasLimit: params.gasLimit,
      baseFee: 0n,
      prevRandao: parent.hash,
      excessBlobGas: 0n,
      getBlockHash,
    };
    for (const d of deposits) this.#applyDeposit(d);
  }

  #applyDeposit(d: Deposit): void {
    const s = this.#state;
    s.beginTx();
    s.addBalance(d.to, d.value);
    s.endTx();
    if (d.data.length === 0) return;
    const r = systemCall(s, aliasAddress(d.from), d.to, d.data, this.#env, DEPOSIT_CALL_GAS, {
      fork: CANCUN,
    });
    this.#collect(r.logs);
  }

  #collect(logs: readonly Log[]): void {
    for (const log of logs) {
      const w = withdrawalFromLog(log);
      if (w) this.#withdrawals.push(w);
    }
  }

  get gasUsed(): bigint {
    return this.#gasUsed;
  }

  get txCount(): number {
    return this.#txs.length;
  }

  addTx(raw: Uint8Array): { ok: true; receipt: L2Receipt } | TxRejection {
    const c = checkL2Tx(raw, this.#params.chainId);
    if (!c.ok) return c;
    const { tx, sender } = c;
    const r = runTx(this.#state, tx, sender, this.#env, {
      fork: CANCUN,
      gasAvailable: this.#params.gasLimit - this.#gasUsed,
    });
    if (!r.valid) return { ok: false, reason: r.reason, message: r.message };
    this.#gasUsed += r.gasUsed;
    this.#collect(r.logs);
    const price = tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxPriorityFeePerGas;
    const receipt: L2Receipt = {
      txHash: c.hash,
      type: tx.type,
      from: sender,
      to: tx.to,
      nonce: tx.nonce,
      status: r.status,
      gasUsed: r.gasUsed,
      cumulativeGasUsed: this.#gasUsed,
      effectiveGasPrice: price,
      logs: r.logs,
      createdAddress: r.createdAddress,
    };
    this.#txs.push(raw);
    this.#receipts.push(receipt);
    return { ok: true, receipt };
  }

  finish(): ExecutedBlock {
    const data: L2BlockData = { ...this.#meta, txs: [...this.#txs] };
    const base = {
      parentHash: this.#parent.hash,
      number: data.number,
      timestamp: data.timestamp,
      l1Origin: data.l1Origin,
      stateRoot: this.#state.stateRoot(),
      txsRoot: transactionsRoot(data.txs),
    };
    return {
      header: { ...base, gasUsed: this.#gasUsed, hash: l2BlockHash(base) },
      data,
      receipts: this.#receipts,
      deposits: this.#deposits,
      withdrawals: this.#withdrawals,
    };
  }
}

/** Replays a posted block; any transaction that cannot be included makes it invalid. */
export function executeL2Block(
  state: WorldState,
  parent: L2Header,
  data: L2BlockData,
  deposits: readonly Deposit[],
  params: L2ChainParams,
  getBlockHash: (n: bigint) => Uint8Array | undefined,
): ExecutedBlock {
  const b = new L2BlockBuilder(state, parent, data, deposits, params, getBlockHash);
  for (const [i, raw] of data.txs.entries()) {
    const r = b.addTx(raw);
    if (!r.ok) {
      throw new RollupError(RollupErrorCode.INVALID_BLOCK, `tx ${i}: ${r.message}`, {
        reason: r.reason,
        block: data.number.toString(),
        tx: i,
      });
    }
  }
  return b.finish();
}
