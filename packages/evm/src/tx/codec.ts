import type { RLPLimits, RLPValue } from '../rlp/decode.ts';
import { decodeRLP } from '../rlp/decode.ts';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import {
  accessList,
  bytes,
  encodeAccessList,
  hashList,
  list,
  malformed,
  n,
  toAddress,
  uint,
} from './fields.ts';
import type { AccessListTx, BlobTx, FeeMarketTx, LegacyTx, Transaction } from './types.ts';

/** The RLP fields of `tx` before its signature, in wire order. */
export function unsignedFields(tx: Transaction): RLPInput[] {
  const to = tx.to ?? new Uint8Array(0);
  switch (tx.type) {
    case 0:
      return [n(tx.nonce), n(tx.gasPrice), n(tx.gasLimit), to, n(tx.value), tx.data];
    case 1:
      return [
        n(tx.chainId),
        n(tx.nonce),
        n(tx.gasPrice),
        n(tx.gasLimit),
        to,
        n(tx.value),
        tx.data,
        encodeAccessList(tx.accessList),
      ];
    case 2:
    case 3: {
      const fields: RLPInput[] = [
        n(tx.chainId),
        n(tx.nonce),
        n(tx.maxPriorityFeePerGas),
        n(tx.maxFeePerGas),
        n(tx.gasLimit),
        to,
        n(tx.value),
        tx.data,
        encodeAccessList(tx.accessList),
      ];
      if (tx.type === 3) fields.push(n(tx.maxFeePerBlobGas), tx.blobVersionedHashes);
      return fields;
    }
  }
}

function signedFields(tx: Transaction): RLPInput[] {
  return [...unsignedFields(tx), n(tx.v), n(tx.r), n(tx.s)];
}

/** Legacy: the RLP list. Typed (EIP-2718): the type byte followed by the RLP list. */
export function encodeTransaction(tx: Transaction): Uint8Array {
  const body = encodeRLP(signedFields(tx));
  if (tx.type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = tx.type;
  out.set(body, 1);
  return out;
}

const FIELD_COUNT = { 0: 9, 1: 11, 2: 12, 3: 14 } as const;

function expectFields(v: RLPValue, type: 0 | 1 | 2 | 3): RLPValue[] {
  const f = list(v, 'body');
  if (f.length !== FIELD_COUNT[type]) {
    malformed(`type ${type} transaction has ${f.length} fields, expected ${FIELD_COUNT[type]}`);
  }
  return f;
}

/** EIP-2718 typed transactions carry y-parity, which must be 0 or 1. */
function yParity(v: RLPValue): bigint {
  const y = uint(v, 'yParity');
  if (y > 1n) malformed(`transaction yParity ${y}, expected 0 or 1`);
  return y;
}

function decodeLegacy(f: RLPValue[]): LegacyTx {
  return {
    type: 0,
    nonce: uint(f[0]!, 'nonce'),
    gasPrice: uint(f[1]!, 'gasPrice'),
    gasLimit: uint(f[2]!, 'gasLimit'),
    to: toAddress(f[3]!),
    value: uint(f[4]!, 'value'),
    data: bytes(f[5]!, 'data'),
    v: uint(f[6]!, 'v'),
    r: uint(f[7]!, 'r'),
    s: uint(f[8]!, 's'),
  };
}

function decodeAccessListTx(f: RLPValue[]): AccessListTx {
  return {
    type: 1,
    chainId: uint(f[0]!, 'chainId'),
    nonce: uint(f[1]!, 'nonce'),
    gasPrice: uint(f[2]!, 'gasPrice'),
    gasLimit: uint(f[3]!, 'gasLimit'),
    to: toAddress(f[4]!),
    value: uint(f[5]!, 'value'),
    data: bytes(f[6]!, 'data'),
    accessList: accessList(f[7]!),
    v: yParity(f[8]!),
    r: uint(f[9]!, 'r'),
    s: uint(f[10]!, 's'),
  };
}

function decodeFeeMarketTx(f: RLPValue[]): FeeMarketTx {
  return {
    type: 2,
    chainId: uint(f[0]!, 'chainId'),
    nonce: uint(f[1]!, 'nonce'),
    maxPriorityFeePerGas: uint(f[2]!, 'maxPriorityFeePerGas'),
    maxFeePerGas: uint(f[3]!, 'maxFeePerGas'),
    gasLimit: uint(f[4]!, 'gasLimit'),
    to: toAddress(f[5]!),
    value: uint(f[6]!, 'value'),
    data: bytes(f[7]!, 'data'),
    accessList: accessList(f[8]!),
    v: yParity(f[9]!),
    r: uint(f[10]!, 'r'),
    s: uint(f[11]!, 's'),
  };
}

export function decodeBlobTxFields(f: RLPValue[]): BlobTx {
  const to = toAddress(f[5]!);
  // EIP-4844: a blob transaction cannot create a contract.
  if (to === null) malformed('blob transaction without a to address');
  return {
    type: 3,
    chainId: uint(f[0]!, 'chainId'),
    nonce: uint(f[1]!, 'nonce'),
    maxPriorityFeePerGas: uint(f[2]!, 'maxPriorityFeePerGas'),
    maxFeePerGas: uint(f[3]!, 'maxFeePerGas'),
    gasLimit: uint(f[4]!, 'gasLimit'),
    to,
    value: uint(f[6]!, 'value'),
    data: bytes(f[7]!, 'data'),
    accessList: accessList(f[8]!),
    maxFeePerBlobGas: uint(f[9]!, 'maxFeePerBlobGas'),
    blobVersionedHashes: hashList(f[10]!, 'blobVersionedHashes'),
    v: yParity(f[11]!),
    r: uint(f[12]!, 'r'),
    s: uint(f[13]!, 's'),
  };
}

/** Decodes the RLP payload after a type byte, as `malformed` errors on failure. */
export function decodePayload(bytes: Uint8Array, what: string, limits?: RLPLimits): RLPValue {
  try {
    return decodeRLP(bytes, limits);
  } catch (e) {
    return malformed(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Decodes a transaction as it appears in a block body or `eth_sendRawTransaction`: a legacy
 * RLP list, or an EIP-2718 envelope (type byte 0x01..0x03 and an RLP list). Strict: canonical
 * RLP, the exact field count, integers of at most 32 bytes without leading zeros, 20-byte
 * addresses, 32-byte storage keys and blob hashes. Range rules that need a fork or chain are
 * in `validateTransaction`. Throws EvmError(TX_MALFORMED).
 */
export function decodeTransaction(raw: Uint8Array, limits?: RLPLimits): Transaction {
  if (raw.length === 0) malformed('empty transaction');
  const first = raw[0]!;
  if (first >= 0xc0) return decodeLegacy(expectFields(decodePayload(raw, 'legacy', limits), 0));
  if (first < 1 || first > 3) malformed(`unsupported transaction type 0x${first.toString(16)}`);
  const payload = decodePayload(raw.subarray(1), `type ${first} transaction`, limits);
  const type = first as 1 | 2 | 3;
  const f = expectFields(payload, type);
  if (type === 1) return decodeAccessListTx(f);
  if (type === 2) return decodeFeeMarketTx(f);
  return decodeBlobTxFields(f);
}
