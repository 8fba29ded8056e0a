import { assertLength } from '../errors.ts';
import { sha256 } from '../hashes/index.ts';
import { BYTES_PER_COMMITMENT, VERSIONED_HASH_VERSION_KZG } from './constants.ts';

/** EIP-4844 `kzg_to_versioned_hash`: VERSIONED_HASH_VERSION_KZG ‖ sha256(commitment)[1:]. */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  assertLength(commitment, BYTES_PER_COMMITMENT, 'KZG commitment');
  const h = sha256(commitment);
  h[0] = VERSIONED_HASH_VERSION_KZG;
  return h;
}
