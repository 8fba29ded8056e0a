import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { loadBlstBackend } from './blst.ts';
import { nobleBls } from './noble.ts';
import type { BlsBackend, BlsBackendName } from './types.ts';

export type BlsBackendPreference = 'auto' | BlsBackendName;

/**
 * Loads a BLS backend. `auto` = blst where its native binary loads, else noble. A forced
 * backend that cannot load throws CryptoError BACKEND_UNAVAILABLE.
 */
export async function loadBlsBackend(pref: BlsBackendPreference = 'auto'): Promise<BlsBackend> {
  switch (pref) {
    case 'noble':
      return nobleBls;
    case 'blst':
      return loadBlstBackend();
    case 'auto':
      try {
        return await loadBlstBackend();
      } catch {
        return nobleBls;
      }
    default:
      throw new CryptoError(
        CryptoErrorCode.BACKEND_UNAVAILABLE,
        `unknown BLS backend '${String(pref)}' (expected auto, blst or noble)`,
      );
  }
}
