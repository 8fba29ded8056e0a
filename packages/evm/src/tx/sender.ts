import { keccak256 } from '@keel/crypto/hashes';
import { ecdsaRecover } from '@keel/crypto/secp256k1';
import { bigIntToBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { signingHash } from './hash.ts';
import type { Address, Transaction } from './types.ts';

/** secp256k1 group order. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function invalidSig(message: string, meta: Record<string, unknown> = {}): never {
  throw new EvmError(EvmErrorCode.TX_MALFORMED, `invalid signature: ${message}`, meta);
}

/** The y-parity the signature's v encodes (legacy 27/28 or EIP-155 chainId*2+35/36; typed 0/1). */
export function signatureYParity(tx: Transaction): 0 | 1 {
  const v = tx.v;
  if (tx.type !== 0) {
    if (v === 0n || v === 1n) return Number(v) as 0 | 1;
    return invalidSig(`y-parity ${v}`);
  }
  if (v === 27n || v === 28n) return Number(v - 27n) as 0 | 1;
  if (v >= 35n) return Number((v - 35n) % 2n) as 0 | 1;
  return invalidSig(`legacy v ${v}`);
}

/** The address of an uncompressed public key (65 bytes, 0x04 ‖ x ‖ y): keccak256(x ‖ y)[12:]. */
export function publicKeyToAddress(pub: Uint8Array): Address {
  return keccak256(pub.subarray(1)).slice(12);
}

/**
 * Recovers the sender. Enforces 0 < r < n and 0 < s <= n/2 (EIP-2 low s, Homestead on), the
 * v/y-parity values, and that the signature recovers to a point. Chain id rules are the
 * caller's (`validateTransaction`). Throws EvmError(TX_MALFORMED).
 */
export function recoverSender(tx: Transaction): Address {
  const { r, s } = tx;
  if (r <= 0n || r >= SECP256K1_N) invalidSig('r out of range', { r: r.toString(16) });
  if (s <= 0n || s > SECP256K1_N / 2n) invalidSig('s out of range (EIP-2)', { s: s.toString(16) });
  const recovery = signatureYParity(tx);
  // libsecp256k1 once `accelerateEcdsaRecover()` (@keel/crypto) has run, noble otherwise.
  const sig = new Uint8Array(64);
  sig.set(bigIntToBytes(r, 32), 0);
  sig.set(bigIntToBytes(s, 32), 32);
  const pub = ecdsaRecover(sig, recovery, signingHash(tx));
  if (pub === null) return invalidSig('does not recover to a public key');
  return publicKeyToAddress(pub);
}
