import { isInfinityEncoding } from './constants.ts';
import type { BlsBackend } from './types.ts';

/**
 * consensus-specs altair/bls.md `eth_aggregate_pubkeys`: at least one key, every key passes
 * KeyValidate; returns the 48-byte sum. Throws CryptoError otherwise (the spec's `assert`).
 */
export function ethAggregatePubkeys(
  backend: BlsBackend,
  publicKeys: readonly Uint8Array[],
): Uint8Array {
  return backend.aggregatePublicKeys(publicKeys);
}

/**
 * consensus-specs altair/bls.md `eth_fast_aggregate_verify`: FastAggregateVerify, except that
 * no public keys with the G2 infinity signature is valid (a sync committee nobody signed).
 */
export function ethFastAggregateVerify(
  backend: BlsBackend,
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (Array.isArray(publicKeys) && publicKeys.length === 0 && signature instanceof Uint8Array) {
    return isInfinityEncoding(signature, 'G2');
  }
  return backend.fastAggregateVerify(publicKeys, message, signature);
}
