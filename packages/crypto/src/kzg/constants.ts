/** EIP-4844 / consensus-specs constants (mainnet preset). */
export const FIELD_ELEMENTS_PER_BLOB = 4096;
export const BYTES_PER_FIELD_ELEMENT = 32;
export const BYTES_PER_BLOB = FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT;
export const BYTES_PER_COMMITMENT = 48;
export const BYTES_PER_PROOF = 48;
/** The BLS12-381 scalar field modulus r. */
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
/** EIP-4844: the version byte of a versioned hash of a KZG commitment. */
export const VERSIONED_HASH_VERSION_KZG = 0x01;
