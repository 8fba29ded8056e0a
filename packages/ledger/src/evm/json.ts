import { keccak256 } from '@keel/crypto/hashes';
import {
  blobBaseFee,
  CANCUN,
  calcExcessBlobGas,
  decodeTransaction,
  legacyChainId,
} from '@keel/evm';
import { bytesToHex } from '@keel/util';
import type { EthBlockView, EthReceiptInfo } from './block.ts';
import { txSenderAndNonce } from './ethTx.ts';
import type { EvmHead } from './keys.ts';

const h = (b: Uint8Array) => `0x${bytesToHex(b)}`;
const q = (n: bigint | number) => `0x${n.toString(16)}`;

/** An Ethereum receipt in JSON-RPC form (0x-hex quantities and data), without block fields. */
export interface EthReceiptJSON {
  type: string;
  transactionHash: string;
  transactionIndex: string;
  from: string;
  to: string | null;
  contractAddress: string | null;
  status: string;
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice: string;
  blobGasUsed?: string;
  blobGasPrice?: string;
  logsBloom: string;
  /** Block-level index of the first log. */
  firstLogIndex: number;
  logs: { address: string; topics: string[]; data: string }[];
}

export function ethReceiptToJSON(r: EthReceiptInfo): EthReceiptJSON {
  return {
    type: q(r.type),
    transactionHash: h(r.hash),
    transactionIndex: q(r.transactionIndex),
    from: h(r.from),
    to: r.to ? h(r.to) : null,
    contractAddress: r.contractAddress ? h(r.contractAddress) : null,
    status: q(r.status),
    gasUsed: q(r.gasUsed),
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    ...(r.type === 3 ? { blobGasUsed: q(r.blobGasUsed), blobGasPrice: q(r.blobGasPrice) } : {}),
    logsBloom: h(r.logsBloom),
    firstLogIndex: r.firstLogIndex,
    logs: r.logs.map((l) => ({ address: h(l.address), topics: l.topics.map(h), data: h(l.data) })),
  };
}

/** An Ethereum block header in JSON-RPC form, with the hash and the transaction hashes. */
export interface EthBlockJSON {
  number: string;
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: string;
  gasLimit: string;
  gasUsed: string;
  timestamp: string;
  extraData: string;
  mixHash: string;
  nonce: string;
  baseFeePerGas: string;
  withdrawalsRoot: string;
  blobGasUsed: string;
  excessBlobGas: string;
  parentBeaconBlockRoot: string;
  size: string;
  transactions: string[];
}

export function ethBlockToJSON(v: EthBlockView): EthBlockJSON {
  const x = v.header;
  return {
    number: q(x.number),
    hash: h(v.hash),
    parentHash: h(x.parentHash),
    sha3Uncles: h(x.ommersHash),
    miner: h(x.coinbase),
    stateRoot: h(x.stateRoot),
    transactionsRoot: h(x.transactionsRoot),
    receiptsRoot: h(x.receiptsRoot),
    logsBloom: h(x.logsBloom),
    difficulty: q(x.difficulty),
    gasLimit: q(x.gasLimit),
    gasUsed: q(x.gasUsed),
    timestamp: q(x.timestamp),
    extraData: h(x.extraData),
    mixHash: h(x.prevRandao),
    nonce: h(x.nonce),
    baseFeePerGas: q(x.baseFeePerGas ?? 0n),
    withdrawalsRoot: h(x.withdrawalsRoot ?? new Uint8Array(32)),
    blobGasUsed: q(x.blobGasUsed ?? 0n),
    excessBlobGas: q(x.excessBlobGas ?? 0n),
    parentBeaconBlockRoot: h(x.parentBeaconBlockRoot ?? new Uint8Array(32)),
    size: q(v.size),
    transactions: v.transactions.map(h),
  };
}

/** An Ethereum transaction in JSON-RPC form (without block fields), from its wrapped bytes. */
export function ethTxToJSON(wrapped: Uint8Array): Record<string, unknown> {
  const raw = wrapped.subarray(1);
  const tx = decodeTransaction(raw);
  const o: Record<string, unknown> = {
    hash: h(keccak256(raw)),
    type: q(tx.type),
    // the sender through the ledger's recovery cache (txs met on admission or in a block)
    from: h(
      txSenderAndNonce(wrapped, () => ({ from: new Uint8Array(32), nonce: 0n })).from.slice(12),
    ),
    nonce: q(tx.nonce),
    to: tx.to ? h(tx.to) : null,
    value: q(tx.value),
    input: h(tx.data),
    gas: q(tx.gasLimit),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
  };
  if (tx.type === 0) {
    o.gasPrice = q(tx.gasPrice);
    const id = legacyChainId(tx.v);
    if (id !== undefined) o.chainId = q(id);
  } else {
    o.chainId = q(tx.chainId);
    o.yParity = q(tx.v);
    o.accessList = tx.accessList.map((e) => ({
      address: h(e.address),
      storageKeys: e.storageKeys.map(h),
    }));
    if (tx.type === 1) o.gasPrice = q(tx.gasPrice);
    else {
      o.maxFeePerGas = q(tx.maxFeePerGas);
      o.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas);
    }
    if (tx.type === 3) {
      o.maxFeePerBlobGas = q(tx.maxFeePerBlobGas);
      o.blobVersionedHashes = tx.blobVersionedHashes.map(h);
    }
  }
  return o;
}

/** The blob base fee of the block after `head` (EIP-4844). */
export function nextBlobBaseFee(head: EvmHead): bigint {
  return blobBaseFee(
    CANCUN,
    calcExcessBlobGas({ excessBlobGas: head.excessBlobGas, blobGasUsed: head.blobGasUsed }),
  );
}
