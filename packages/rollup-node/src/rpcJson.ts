import { decodeTransaction, type Transaction } from '@keel/evm';
import type { ExecutedBlock, L2Receipt } from '@keel/rollup';
import { bytesToHex } from '@keel/util';
import type { L2Chain } from './chain.ts';

/** The JSON shapes of the `eth_*` answers (geth's field names, 0x quantities). */
export const hex = (b: Uint8Array): string => `0x${bytesToHex(b)}`;
export const q = (n: bigint | number): string => `0x${n.toString(16)}`;
const ZERO32 = hex(new Uint8Array(32));
const ZERO_BLOOM = hex(new Uint8Array(256));

export function receiptJSON(b: ExecutedBlock, i: number) {
  const r: L2Receipt = b.receipts[i]!;
  const prev = b.receipts.slice(0, i).reduce((a, x) => a + x.logs.length, 0);
  return {
    transactionHash: hex(r.txHash),
    transactionIndex: q(i),
    blockHash: hex(b.header.hash),
    blockNumber: q(b.header.number),
    from: hex(r.from),
    to: r.to ? hex(r.to) : null,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    contractAddress: r.createdAddress ? hex(r.createdAddress) : null,
    logs: r.logs.map((l, k) => ({
      address: hex(l.address),
      topics: l.topics.map(hex),
      data: hex(l.data),
      blockNumber: q(b.header.number),
      blockHash: hex(b.header.hash),
      transactionHash: hex(r.txHash),
      transactionIndex: q(i),
      logIndex: q(prev + k),
      removed: false,
    })),
    logsBloom: ZERO_BLOOM,
    status: q(r.status),
    type: q(r.type),
  };
}

/** `eth_getTransactionByHash`'s object; `at` is null while the tx is pending. */
export function txJSON(
  tx: Transaction,
  hash: Uint8Array,
  from: Uint8Array,
  at: { blockHash: Uint8Array; blockNumber: bigint; index: number } | null,
) {
  const fees =
    tx.type === 0 || tx.type === 1
      ? { gasPrice: q(tx.gasPrice) }
      : {
          gasPrice: q(tx.maxPriorityFeePerGas),
          maxFeePerGas: q(tx.maxFeePerGas),
          maxPriorityFeePerGas: q(tx.maxPriorityFeePerGas),
        };
  return {
    hash: hex(hash),
    from: hex(from),
    to: tx.to ? hex(tx.to) : null,
    nonce: q(tx.nonce),
    gas: q(tx.gasLimit),
    value: q(tx.value),
    input: hex(tx.data),
    type: q(tx.type),
    ...fees,
    ...(tx.type === 0
      ? {}
      : {
          chainId: q(tx.chainId),
          yParity: q(tx.v),
          accessList: tx.accessList.map((e) => ({
            address: hex(e.address),
            storageKeys: e.storageKeys.map(hex),
          })),
        }),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
    blockHash: at ? hex(at.blockHash) : null,
    blockNumber: at ? q(at.blockNumber) : null,
    transactionIndex: at ? q(at.index) : null,
  };
}

/** `eth_getBlockByNumber`'s object (receipts root and bloom are not kept: zero). */
export function blockJSON(
  c: L2Chain,
  n: bigint,
  full: boolean,
  coinbase: Uint8Array,
  gasLimit: bigint,
) {
  const h = c.header(n);
  if (!h) return null;
  const b = c.block(n);
  const txs = b
    ? b.receipts.map((r, i) =>
        full
          ? txJSON(decodeTransaction(b.data.txs[i]!), r.txHash, r.from, {
              blockHash: h.hash,
              blockNumber: n,
              index: i,
            })
          : hex(r.txHash),
      )
    : [];
  return {
    number: q(n),
    hash: hex(h.hash),
    parentHash: hex(h.parentHash),
    timestamp: q(h.timestamp),
    stateRoot: hex(h.stateRoot),
    transactionsRoot: hex(h.txsRoot),
    receiptsRoot: ZERO32,
    logsBloom: ZERO_BLOOM,
    miner: hex(coinbase),
    gasLimit: q(gasLimit),
    gasUsed: q(h.gasUsed),
    baseFeePerGas: '0x0',
    difficulty: '0x0',
    totalDifficulty: '0x0',
    nonce: '0x0000000000000000',
    mixHash: hex(h.parentHash),
    sha3Uncles: ZERO32,
    uncles: [],
    extraData: '0x',
    size: '0x0',
    l1Origin: q(h.l1Origin),
    transactions: txs,
  };
}
