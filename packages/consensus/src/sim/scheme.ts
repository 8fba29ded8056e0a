import { type BlsBackendPreference, loadBlsBackend } from '@keel/crypto/bls';
import { type SignatureScheme, withVerifyMemo } from '../signatureScheme.ts';

/**
 * Real BLS for the simulator (blst unless told otherwise), with one verification memo shared
 * by every simulated node so each certificate's pairing check runs once per process.
 */
export async function loadSimScheme(pref: BlsBackendPreference = 'blst'): Promise<SignatureScheme> {
  return withVerifyMemo(await loadBlsBackend(pref));
}
