import {
  type Address,
  type BlockEnv,
  type BlockHeader,
  blobBaseFee,
  CANCUN,
  calcBaseFee,
  calcExcessBlobGas,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  type Receipt as EthReceipt,
  headerHash,
  type Log,
  logsBloom,
  receiptsRoot,
  runTx,
  type Transaction,
  transactionsRoot,
} from '@keel/evm';
import { InvalidTxError, TxRejectReason } from '../errors.ts';
import type { LedgerParams } from '../params.ts';
import type { StateOverlay } from '../state/ledgerState.ts';
import type { LedgerBlockContext, Receipt } from '../types.ts';
import type { EthTx } from './ethTx.ts';
import { type EvmHead, encodeEvmHead, evmBlockHashKey, META_EVM_HEAD } from './keys.ts';
import { ledgerPrecompiles } from './stepPrecompile.ts';
import { evmStateModeOf } from './verkleKeys.ts';
import { applyVerkleBlock, rememberVerkleBlock, VerkleAccessRecorder } from './verkleState.ts';
import { LedgerWorldState } from './worldState.ts';

/** The Ethereum side of a receipt (what `eth_getTransactionReceipt` reports). */
export interface EthReceiptInfo {
  readonly type: Transaction['type'];
  readonly hash: Uint8Array;
  readonly from: Address;
  readonly to: Address | null;
  readonly contractAddress?: Address;
  /** Index among the block's Ethereum transactions. */
  readonly transactionIndex: number;
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly blobGasUsed: bigint;
  readonly blobGasPrice: bigint;
  readonly logsBloom: Uint8Array;
  /** Block-level index of this receipt's first log. */
  readonly firstLogIndex: number;
  readonly logs: readonly Log[];
}

/** The Ethereum-style view of one keel block. */
export interface EthBlockView {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  /** Ethereum transaction hashes, in block order. */
  readonly transactions: readonly Uint8Array[];
  readonly size: number;
}

/** The fee account the EVM coinbase stands for: last 20 bytes of the proposer's account. */
export function coinbaseOf(block: LedgerBlockContext): Address {
  return block.feeRecipient ? block.feeRecipient.slice(12) : new Uint8Array(20);
}

/** The base fee of the block after `head` (EIP-1559 from its EVM gas use, floored). */
export function nextBaseFee(head: EvmHead, params: LedgerParams): bigint {
  const b = calcBaseFee({
    gasLimit: head.gasLimit,
    gasUsed: head.gasUsed,
    baseFeePerGas: head.baseFee,
  });
  return b < params.evmMinBaseFee ? params.evmMinBaseFee : b;
}

/** The EVM's block environment for the block after `head`. */
export function blockEnv(
  overlay: { get(k: Uint8Array): Uint8Array | undefined },
  chainId: bigint,
  head: EvmHead,
  block: LedgerBlockContext,
  params: LedgerParams,
): BlockEnv {
  const number = block.height;
  return {
    chainId,
    coinbase: coinbaseOf(block),
    number,
    timestamp: block.time / 1000n,
    gasLimit: BigInt(params.evmBlockGasLimit),
    baseFee: nextBaseFee(head, params),
    // Not randomness: the parent's block-view hash (keel's VRF seed is consensus', not ours).
    prevRandao: head.hash,
    excessBlobGas: calcExcessBlobGas({
      excessBlobGas: head.excessBlobGas,
      blobGasUsed: head.blobGasUsed,
    }),
    getBlockHash: (n) => (n === head.number ? head.hash : overlay.get(evmBlockHashKey(n))),
  };
}

/** A block's EVM execution: one world state over the block's overlay, receipts, the view. */
export class EvmBlockRun {
  readonly env: BlockEnv;
  readonly world: LedgerWorldState;
  private readonly receipts: EthReceipt[] = [];
  private readonly raws: Uint8Array[] = [];
  private readonly hashes: Uint8Array[] = [];
  private gasUsed = 0n;
  private blobGasUsed = 0n;
  private logCount = 0;
  /** Verkle chains only: the keys the block's execution read. */
  private readonly access: VerkleAccessRecorder | undefined;

  constructor(
    private readonly overlay: StateOverlay,
    chainId: bigint,
    private readonly head: EvmHead,
    block: LedgerBlockContext,
    params: LedgerParams,
  ) {
    this.env = blockEnv(overlay, chainId, head, block, params);
    this.access = evmStateModeOf(overlay) === 'verkle' ? new VerkleAccessRecorder() : undefined;
    this.world = new LedgerWorldState(
      overlay,
      block.feeRecipient ? { evm: this.env.coinbase, account: block.feeRecipient } : undefined,
      this.access,
    );
  }

  /** Runs one checked transaction; an invalid one (nonce, funds, fees) leaves the state as is. */
  run(t: EthTx): Receipt {
    const r = runTx(this.world, t.tx, t.sender, this.env, {
      fork: CANCUN,
      extraPrecompiles: ledgerPrecompiles,
      gasAvailable: this.env.gasLimit - this.gasUsed,
      blobGasAvailable: CANCUN.maxBlobGasPerBlock - this.blobGasUsed,
    });
    if (!r.valid) throw new InvalidTxError(reasonOf(r.reason), r.message, { evmReason: r.reason });
    this.gasUsed += r.gasUsed;
    this.blobGasUsed += r.blobGasUsed;
    const bloom = logsBloom(r.logs);
    this.receipts.push({
      type: t.tx.type,
      status: r.status === 1,
      cumulativeGasUsed: this.gasUsed,
      logsBloom: bloom,
      logs: r.logs,
    });
    this.raws.push(t.raw);
    this.hashes.push(t.hash);
    const price = effectiveGasPrice(t.tx, this.env.baseFee);
    const blobPrice = blobBaseFee(CANCUN, this.env.excessBlobGas);
    const eth: EthReceiptInfo = {
      type: t.tx.type,
      hash: t.hash,
      from: t.sender,
      to: t.tx.to,
      ...(r.createdAddress ? { contractAddress: r.createdAddress } : {}),
      transactionIndex: this.raws.length - 1,
      status: r.status,
      gasUsed: r.gasUsed,
      cumulativeGasUsed: this.gasUsed,
      effectiveGasPrice: price,
      blobGasUsed: r.blobGasUsed,
      blobGasPrice: blobPrice,
      logsBloom: bloom,
      firstLogIndex: this.logCount,
      logs: r.logs,
    };
    this.logCount += r.logs.length;
    return {
      txHash: t.hash,
      kind: 'ethereum',
      status: r.status === 1 ? 'ok' : 'revert',
      gasUsed: Number(r.gasUsed),
      fee: r.gasUsed * price + r.blobGasUsed * blobPrice,
      returnData: r.returnData,
      logs: r.logs,
      ...(r.createdAddress ? { contractAddress: r.createdAddress } : {}),
      eth,
    };
  }

  get evmGasUsed(): bigint {
    return this.gasUsed;
  }

  /**
   * Builds the block view and records it (head, block hash, the hash 256 blocks back pruned).
   * Its `stateRoot` is the ledger root after the block's transactions, before these records
   * — or, on a verkle chain, the verkle root commitment of the EVM state after them.
   */
  finish(): EthBlockView {
    const post = this.overlay.commit();
    const verkle = this.access
      ? applyVerkleBlock(this.overlay.base, post, this.overlay.changes(), this.access)
      : undefined;
    const header = buildHeader({
      parentHash: this.head.hash,
      coinbase: this.env.coinbase,
      stateRoot: verkle ? verkle.root : post.root(),
      transactionsRoot: transactionsRoot(this.raws),
      receiptsRoot: receiptsRoot(this.receipts),
      logsBloom: logsBloom(this.receipts.flatMap((r) => r.logs)),
      number: this.env.number,
      gasLimit: this.env.gasLimit,
      gasUsed: this.gasUsed,
      timestamp: this.env.timestamp,
      prevRandao: this.env.prevRandao,
      baseFee: this.env.baseFee,
      blobGasUsed: this.blobGasUsed,
      excessBlobGas: this.env.excessBlobGas,
    });
    const hash = headerHash(header);
    if (verkle) rememberVerkleBlock(hash, header.number, verkle);
    writeHead(this.overlay, {
      number: header.number,
      hash,
      baseFee: this.env.baseFee,
      gasUsed: this.gasUsed,
      gasLimit: this.env.gasLimit,
      blobGasUsed: this.blobGasUsed,
      excessBlobGas: this.env.excessBlobGas,
    });
    const size = this.raws.reduce((n, r) => n + r.length, 600);
    return { header, hash, transactions: this.hashes, size };
  }
}

export function writeHead(overlay: StateOverlay, h: EvmHead): void {
  overlay.set(META_EVM_HEAD, encodeEvmHead(h));
  overlay.set(evmBlockHashKey(h.number), h.hash);
  if (h.number >= 256n) overlay.set(evmBlockHashKey(h.number - 256n), undefined);
}

export function buildHeader(p: {
  parentHash: Uint8Array;
  coinbase: Address;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  prevRandao: Uint8Array;
  baseFee: bigint;
  blobGasUsed: bigint;
  excessBlobGas: bigint;
}): BlockHeader {
  return {
    parentHash: p.parentHash,
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: p.coinbase,
    stateRoot: p.stateRoot,
    transactionsRoot: p.transactionsRoot,
    receiptsRoot: p.receiptsRoot,
    logsBloom: p.logsBloom,
    difficulty: 0n,
    number: p.number,
    gasLimit: p.gasLimit,
    gasUsed: p.gasUsed,
    timestamp: p.timestamp,
    extraData: new Uint8Array(0),
    prevRandao: p.prevRandao,
    nonce: new Uint8Array(8),
    baseFeePerGas: p.baseFee,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: p.blobGasUsed,
    excessBlobGas: p.excessBlobGas,
    parentBeaconBlockRoot: new Uint8Array(32),
  };
}

/** The price per gas a transaction pays in a block with `baseFee` (EIP-1559). */
export function effectiveGasPrice(tx: Transaction, baseFee: bigint): bigint {
  if (tx.type === 0 || tx.type === 1) return tx.gasPrice;
  const tip = tx.maxFeePerGas - baseFee;
  return baseFee + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
}

function reasonOf(r: string): TxRejectReason {
  switch (r) {
    case 'NONCE_TOO_LOW':
      return TxRejectReason.NONCE_TOO_LOW;
    case 'NONCE_TOO_HIGH':
    case 'NONCE_MAX':
      return TxRejectReason.NONCE_TOO_HIGH;
    case 'INSUFFICIENT_FUNDS':
      return TxRejectReason.INSUFFICIENT_BALANCE;
    case 'INTRINSIC_GAS_TOO_LOW':
      return TxRejectReason.INTRINSIC_GAS;
    case 'GAS_LIMIT_EXCEEDS_BLOCK':
    case 'BLOB_GAS_EXCEEDS_BLOCK':
      return TxRejectReason.GAS_LIMIT_TOO_HIGH;
    case 'FEE_CAP_BELOW_BASE_FEE':
    case 'GAS_PRICE_BELOW_BASE_FEE':
    case 'BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE':
      return TxRejectReason.GAS_PRICE_TOO_LOW;
    default:
      return TxRejectReason.MALFORMED;
  }
}
