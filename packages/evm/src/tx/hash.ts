import { keccak256 } from '@keel/crypto/hashes';
import { encodeRLP } from '../rlp/encode.ts';
import { encodeTransaction, unsignedFields } from './codec.ts';
import { n } from './fields.ts';
import type { Transaction } from './types.ts';

/** The transaction hash: keccak256 of its canonical encoding (the envelope for typed ones). */
export function txHash(tx: Transaction): Uint8Array {
  return keccak256(encodeTransaction(tx));
}

/**
 * The chain id a legacy transaction's v commits to (EIP-155: v = chainId * 2 + 35 + yParity),
 * or undefined for pre-EIP-155 v (27/28) and any other v.
 */
export function legacyChainId(v: bigint): bigint | undefined {
  return v >= 35n ? (v - 35n) / 2n : undefined;
}

/** The hash the sender signed. Legacy with EIP-155 v appends [chainId, 0, 0]. */
export function signingHash(tx: Transaction): Uint8Array {
  const fields = unsignedFields(tx);
  if (tx.type === 0) {
    const chainId = legacyChainId(tx.v);
    if (chainId !== undefined) fields.push(n(chainId), new Uint8Array(0), new Uint8Array(0));
    return keccak256(encodeRLP(fields));
  }
  const body = encodeRLP(fields);
  const msg = new Uint8Array(body.length + 1);
  msg[0] = tx.type;
  msg.set(body, 1);
  return keccak256(msg);
}
