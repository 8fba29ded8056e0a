import { EvmError, EvmErrorCode } from '../errors.ts';
import type { RLPValue } from '../rlp/decode.ts';
import type { RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes, rlpBytes, rlpBytesToBigint, rlpList } from '../rlp/fields.ts';
import type { AccessList, Address } from './types.ts';

/** Wraps an RLP-shape error of a transaction field as TX_MALFORMED, keeping its message. */
export function malformed(message: string, meta: Record<string, unknown> = {}): never {
  throw new EvmError(EvmErrorCode.TX_MALFORMED, message, meta);
}

export function uint(v: RLPValue, field: string, maxBytes = 32): bigint {
  try {
    return rlpBytesToBigint(rlpBytes(v, field), field, maxBytes);
  } catch (e) {
    if (e instanceof EvmError) malformed(`transaction ${e.message}`, { field });
    throw e;
  }
}

export function bytes(v: RLPValue, field: string): Uint8Array {
  if (Array.isArray(v)) malformed(`transaction ${field}: expected a byte string, got a list`);
  return v;
}

function fixed(v: RLPValue, field: string, length: number): Uint8Array {
  const b = bytes(v, field);
  if (b.length !== length) malformed(`transaction ${field}: ${b.length} bytes, expected ${length}`);
  return b;
}

export function address(v: RLPValue, field: string): Address {
  return fixed(v, field, 20);
}

/** `to`: empty for contract creation, else exactly 20 bytes. */
export function toAddress(v: RLPValue): Address | null {
  const b = bytes(v, 'to');
  if (b.length === 0) return null;
  if (b.length !== 20) malformed(`transaction to: ${b.length} bytes, expected 20 or 0`);
  return b;
}

export function list(v: RLPValue, field: string): RLPValue[] {
  try {
    return rlpList(v, field);
  } catch (e) {
    if (e instanceof EvmError) malformed(`transaction ${e.message}`, { field });
    throw e;
  }
}

export function hashList(v: RLPValue, field: string): Uint8Array[] {
  return list(v, field).map((h, i) => fixed(h, `${field}[${i}]`, 32));
}

/** EIP-2930 access list: [[address, [storageKey, ...]], ...]. */
export function accessList(v: RLPValue): AccessList {
  return list(v, 'accessList').map((entry, i) => {
    const pair = list(entry, `accessList[${i}]`);
    if (pair.length !== 2)
      malformed(`transaction accessList[${i}]: ${pair.length} items, expected 2`);
    return {
      address: address(pair[0]!, `accessList[${i}].address`),
      storageKeys: hashList(pair[1]!, `accessList[${i}].storageKeys`),
    };
  });
}

export function encodeAccessList(al: AccessList): RLPInput {
  return al.map((e) => [e.address, e.storageKeys]);
}

export const n = bigintToRLPBytes;
