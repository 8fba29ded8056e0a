/** BLS12-381 min-pk sizes and the POP ciphersuite's domain separation tags (Ethereum). */
export const BLS_SECRET_KEY_LENGTH = 32;
export const BLS_PUBLIC_KEY_LENGTH = 48;
export const BLS_SIGNATURE_LENGTH = 96;

/** draft-irtf-cfrg-bls-signature-04 §4.2.3: the POP ciphersuite's signature DST. */
export const BLS_DST_SIGNATURE = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
/** draft-irtf-cfrg-bls-signature-04 §4.2.3: the DST for PopProve / PopVerify. */
export const BLS_DST_POP = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

/** The order r of G1/G2 (secret keys live in [1, r-1]). */
export const BLS_CURVE_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

/**
 * A fresh copy of the compressed identity encoding (flags c=1, b=1, all other bits zero):
 * 48 bytes for G1, 96 for G2 (the "infinity signature"). A function, since typed arrays
 * cannot be frozen.
 */
export function infinityEncoding(group: 'G1' | 'G2'): Uint8Array {
  const out = new Uint8Array(group === 'G1' ? 48 : 96);
  out[0] = 0xc0;
  return out;
}

/** True for exactly the canonical compressed identity of G1 (48 bytes) or G2 (96 bytes). */
export function isInfinityEncoding(bytes: Uint8Array, group: 'G1' | 'G2'): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== (group === 'G1' ? 48 : 96)) return false;
  if (bytes[0] !== 0xc0) return false;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
