import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { loadLibsecp256k1Backend } from './libsecp256k1.ts';
import { nobleSecp256k1 } from './noble.ts';
import type { Secp256k1Backend } from './types.ts';

export type Secp256k1Preference = 'auto' | 'noble' | 'libsecp256k1';

/**
 * Loads a secp256k1 backend. 'auto' picks libsecp256k1 where it loads, else noble; a forced
 * backend that cannot load throws CryptoError BACKEND_UNAVAILABLE.
 */
export async function loadSecp256k1Backend(
  pref: Secp256k1Preference = 'auto',
): Promise<Secp256k1Backend> {
  switch (pref) {
    case 'noble':
      return nobleSecp256k1;
    case 'libsecp256k1':
      return loadLibsecp256k1Backend();
    case 'auto':
      try {
        return await loadLibsecp256k1Backend();
      } catch {
        return nobleSecp256k1;
      }
    default:
      throw new CryptoError(
        CryptoErrorCode.BACKEND_UNAVAILABLE,
        `unknown secp256k1 backend '${String(pref)}'`,
      );
  }
}
