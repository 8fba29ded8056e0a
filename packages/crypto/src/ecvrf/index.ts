import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import {
  assertBytes,
  decodeProof,
  expandSecretKey,
  gammaToHash,
  PROOF_LEN,
  proveTrace,
  SUITES,
  verifyTrace,
} from './_internal.ts';
import { stringToPoint } from './hashToCurve.ts';
import type { ECVRF, ECVRFSuiteName } from './types.ts';

export type { ECVRF, ECVRFSuiteName, ECVRFVerifyOptions } from './types.ts';

/** An RFC 9381 ECVRF for one of the two edwards25519 suites. */
export function createECVRF(suite: ECVRFSuiteName): ECVRF {
  const params = Object.hasOwn(SUITES, suite) ? SUITES[suite] : undefined;
  if (params === undefined) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, `unknown ECVRF suite ${String(suite)}`);
  }
  return {
    suite,
    suiteString: params.suiteString,
    getPublicKey(secretKey) {
      assertLength(secretKey, 32, 'ECVRF secret key');
      return expandSecretKey(secretKey).publicKey;
    },
    prove(secretKey, alpha) {
      assertLength(secretKey, 32, 'ECVRF secret key');
      assertBytes(alpha, 'ECVRF alpha');
      return proveTrace(params, secretKey, alpha).pi;
    },
    verify(publicKey, pi, alpha, opts = {}) {
      assertBytes(publicKey, 'ECVRF public key');
      assertBytes(pi, 'ECVRF proof');
      assertBytes(alpha, 'ECVRF alpha');
      if (publicKey.length !== 32 || pi.length !== PROOF_LEN) return null;
      return verifyTrace(params, publicKey, pi, alpha, opts.validateKey ?? true).beta;
    },
    proofToHash(pi) {
      assertLength(pi, PROOF_LEN, 'ECVRF proof');
      const D = decodeProof(pi);
      if (D === null) {
        throw new CryptoError(CryptoErrorCode.INVALID_SIGNATURE, 'ECVRF proof does not decode');
      }
      return gammaToHash(params.suiteString, D.Gamma);
    },
    isValidPublicKey(publicKey) {
      assertBytes(publicKey, 'ECVRF public key');
      if (publicKey.length !== 32) return false;
      const Y = stringToPoint(publicKey);
      return Y !== null && !Y.isSmallOrder();
    },
  };
}

/** ECVRF-EDWARDS25519-SHA512-ELL2 (suite 0x04): constant-time hash to curve. */
export const ecvrfELL2: ECVRF = createECVRF('ECVRF-EDWARDS25519-SHA512-ELL2');
/** ECVRF-EDWARDS25519-SHA512-TAI (suite 0x03): try-and-increment (time depends on alpha). */
export const ecvrfTAI: ECVRF = createECVRF('ECVRF-EDWARDS25519-SHA512-TAI');
