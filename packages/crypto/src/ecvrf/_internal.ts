/**
 * RFC 9381 ECVRF steps on edwards25519, each exposed with its intermediate values so the
 * conformance suite and tests can check H, k, U, V, Gamma, c and s. Not exported from the
 * package: the public surface is `index.ts`.
 */
import { bytesToBigIntLE, concatBytes } from '@keel/util';
import { assertBytes, ED25519_L } from '../ed25519/rules.ts';
import { sha512 } from '../hashes/index.ts';
import {
  type EdPoint,
  encodeToCurveELL2,
  encodeToCurveTAI,
  Point,
  stringToPoint,
} from './hashToCurve.ts';
import type { ECVRFSuiteName } from './types.ts';

export interface SuiteParams {
  name: ECVRFSuiteName;
  suiteString: number;
  encoding: 'tai' | 'ell2';
}

export const SUITES: Readonly<Record<ECVRFSuiteName, SuiteParams>> = {
  'ECVRF-EDWARDS25519-SHA512-TAI': {
    name: 'ECVRF-EDWARDS25519-SHA512-TAI',
    suiteString: 0x03,
    encoding: 'tai',
  },
  'ECVRF-EDWARDS25519-SHA512-ELL2': {
    name: 'ECVRF-EDWARDS25519-SHA512-ELL2',
    suiteString: 0x04,
    encoding: 'ell2',
  },
};

export { assertBytes };

export const PT_LEN = 32;
export const C_LEN = 16;
export const Q_LEN = 32;
export const PROOF_LEN = PT_LEN + C_LEN + Q_LEN;
const q = ED25519_L;

/** int_to_string for edwards25519: little-endian, fixed length (RFC 8032 §5.1.2). */
export function intToString(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** k·P for a secret scalar (constant-time ladder); 0 gives the identity. */
function mulSecret(P: EdPoint, k: bigint): EdPoint {
  return k === 0n ? Point.ZERO : P.multiply(k);
}

export interface ExpandedKey {
  /** RFC 8032 clamped scalar, NOT reduced mod q (the vectors print it this way). */
  x: bigint;
  /** SHA-512(SK)[32..63]: the nonce-generation prefix. */
  prefix: Uint8Array;
  Y: EdPoint;
  publicKey: Uint8Array;
}

/** RFC 8032 §5.1.5: secret scalar and public key from a 32-byte seed. */
export function expandSecretKey(sk: Uint8Array): ExpandedKey {
  const h = sha512(sk);
  const head = h.slice(0, 32);
  head[0]! &= 248;
  head[31]! &= 127;
  head[31]! |= 64;
  const x = bytesToBigIntLE(head);
  const Y = mulSecret(Point.BASE, x % q);
  return { x, prefix: h.subarray(32, 64), Y, publicKey: Y.toBytes() };
}

/** The suite's ECVRF_encode_to_curve (§5.4.1) with encode_to_curve_salt = PK_string. */
export function encodeToCurve(suite: SuiteParams, pk: Uint8Array, alpha: Uint8Array): EdPoint {
  return suite.encoding === 'tai'
    ? encodeToCurveTAI(suite.suiteString, pk, alpha).H
    : encodeToCurveELL2(suite.suiteString, pk, alpha);
}

/** §5.4.2.2 ECVRF_nonce_generation_RFC8032: k_string and k = string_to_int(k_string) mod q. */
export function nonceRFC8032(prefix: Uint8Array, hString: Uint8Array) {
  const kString = sha512(concatBytes(prefix, hString));
  return { kString, k: bytesToBigIntLE(kString) % q };
}

/** §5.4.3 ECVRF_challenge_generation(P1..P5) over their encodings. */
export function challenge(suiteString: number, points: readonly Uint8Array[]): bigint {
  const str = concatBytes(new Uint8Array([suiteString, 0x02]), ...points, new Uint8Array([0x00]));
  return bytesToBigIntLE(sha512(str).subarray(0, C_LEN));
}

/** §5.4.4 ECVRF_decode_proof; null for INVALID. `pi` must be PROOF_LEN bytes. */
export function decodeProof(pi: Uint8Array): { Gamma: EdPoint; c: bigint; s: bigint } | null {
  const Gamma = stringToPoint(pi.subarray(0, PT_LEN));
  if (Gamma === null) return null;
  const c = bytesToBigIntLE(pi.subarray(PT_LEN, PT_LEN + C_LEN));
  const s = bytesToBigIntLE(pi.subarray(PT_LEN + C_LEN, PROOF_LEN));
  if (s >= q) return null;
  return { Gamma, c, s };
}

/** §5.2 steps 4-6: beta = Hash(suite ‖ 0x03 ‖ point_to_string(cofactor·Gamma) ‖ 0x00). */
export function gammaToHash(suiteString: number, Gamma: EdPoint): Uint8Array {
  const cofactorGamma = Gamma.clearCofactor().toBytes();
  return sha512(
    concatBytes(new Uint8Array([suiteString, 0x03]), cofactorGamma, new Uint8Array([0])),
  );
}

export interface ProveTrace {
  x: bigint;
  publicKey: Uint8Array;
  H: Uint8Array;
  kString: Uint8Array;
  k: bigint;
  Gamma: Uint8Array;
  U: Uint8Array;
  V: Uint8Array;
  c: bigint;
  s: bigint;
  pi: Uint8Array;
}

/** §5.1 ECVRF_prove with every intermediate value. */
export function proveTrace(suite: SuiteParams, sk: Uint8Array, alpha: Uint8Array): ProveTrace {
  const { x, prefix, Y, publicKey } = expandSecretKey(sk);
  const xq = x % q;
  const Hpt = encodeToCurve(suite, publicKey, alpha);
  const H = Hpt.toBytes();
  const Gamma = mulSecret(Hpt, xq).toBytes();
  const { kString, k } = nonceRFC8032(prefix, H);
  const U = mulSecret(Point.BASE, k).toBytes();
  const V = mulSecret(Hpt, k).toBytes();
  const c = challenge(suite.suiteString, [Y.toBytes(), H, Gamma, U, V]);
  const s = (k + c * xq) % q;
  const pi = concatBytes(Gamma, intToString(c, C_LEN), intToString(s, Q_LEN));
  return { x, publicKey, H, kString, k, Gamma, U, V, c, s, pi };
}

export interface VerifyTrace {
  beta: Uint8Array | null;
  /** Why the proof was rejected, when it was. */
  reason?: 'public-key' | 'weak-key' | 'proof-encoding' | 'challenge';
  U?: Uint8Array;
  V?: Uint8Array;
}

/** §5.3 ECVRF_verify; `pk` and `pi` must have the right lengths. */
export function verifyTrace(
  suite: SuiteParams,
  pk: Uint8Array,
  pi: Uint8Array,
  alpha: Uint8Array,
  validateKey: boolean,
): VerifyTrace {
  const Y = stringToPoint(pk);
  if (Y === null) return { beta: null, reason: 'public-key' };
  if (validateKey && Y.isSmallOrder()) return { beta: null, reason: 'weak-key' }; // §5.4.5
  const D = decodeProof(pi);
  if (D === null) return { beta: null, reason: 'proof-encoding' };
  const { Gamma, c, s } = D;
  const Hpt = encodeToCurve(suite, pk, alpha);
  // public values only: variable-time multiplication is fine
  const U = Point.BASE.multiplyUnsafe(s).subtract(Y.multiplyUnsafe(c)).toBytes();
  const V = Hpt.multiplyUnsafe(s).subtract(Gamma.multiplyUnsafe(c)).toBytes();
  const c2 = challenge(suite.suiteString, [pk, Hpt.toBytes(), pi.subarray(0, PT_LEN), U, V]);
  if (c2 !== c) return { beta: null, reason: 'challenge', U, V };
  return { beta: gammaToHash(suite.suiteString, Gamma), U, V };
}
