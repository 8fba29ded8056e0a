export {
  BLS_MODULUS,
  BYTES_PER_BLOB,
  BYTES_PER_COMMITMENT,
  BYTES_PER_FIELD_ELEMENT,
  BYTES_PER_PROOF,
  FIELD_ELEMENTS_PER_BLOB,
  VERSIONED_HASH_VERSION_KZG,
} from './constants.ts';
export { KZG_BACKEND_NAMES, type KzgBackendPreference, loadKzgBackend } from './load.ts';
export type { KzgBackend, KzgBackendName, KzgProofAndY } from './types.ts';
export { kzgToVersionedHash } from './versionedHash.ts';
