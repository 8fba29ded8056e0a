import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { loadCKzgBackend } from './cKzg.ts';
import { loadNodeEthKzgBackend } from './nodeEthKzg.ts';
import type { KzgBackend, KzgBackendName } from './types.ts';

export type KzgBackendPreference = 'auto' | KzgBackendName;

/** Every KZG backend, in `auto` preference order. */
export const KZG_BACKEND_NAMES: readonly KzgBackendName[] = ['c-kzg', 'node-eth-kzg'];

/**
 * Loads a KZG backend (once per process; later calls get the same object). `auto` = c-kzg
 * where its binary loads, else node-eth-kzg. A forced backend that cannot load, or `auto` when
 * neither can, throws CryptoError BACKEND_UNAVAILABLE. (There is no pure-TS backend: a blob
 * proof needs a 4096-point MSM, which would take seconds.)
 */
export async function loadKzgBackend(pref: KzgBackendPreference = 'auto'): Promise<KzgBackend> {
  switch (pref) {
    case 'c-kzg':
      return loadCKzgBackend();
    case 'node-eth-kzg':
      return loadNodeEthKzgBackend();
    case 'auto':
      try {
        return await loadCKzgBackend();
      } catch {
        return loadNodeEthKzgBackend();
      }
    default:
      throw new CryptoError(
        CryptoErrorCode.BACKEND_UNAVAILABLE,
        `unknown KZG backend '${String(pref)}' (expected auto, c-kzg or node-eth-kzg)`,
      );
  }
}
