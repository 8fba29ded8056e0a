import { bytesToBigInt, concatBytes, utf8ToBytes } from '@keel/util';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import {
  _map_to_curve_elligator2_curve25519,
  ed25519,
  ed25519_hasher,
} from '@noble/curves/ed25519.js';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { sha512 } from '../hashes/index.ts';

export const Point = ed25519.Point;
export type EdPoint = InstanceType<typeof Point>;

/** RFC 8032 §5.1.3 decoding (y < p, no x = 0 with the sign bit set), or null when invalid. */
export function stringToPoint(bytes: Uint8Array): EdPoint | null {
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return null;
  }
}

/** RFC 9381 §5.4.1.1 ECVRF_encode_to_curve_try_and_increment, with the counter it used. */
export function encodeToCurveTAI(
  suiteString: number,
  salt: Uint8Array,
  alpha: Uint8Array,
): { H: EdPoint; ctr: number } {
  const buf = concatBytes(new Uint8Array([suiteString, 0x01]), salt, alpha, new Uint8Array(2));
  // ctr_string = int_to_string(ctr, 1); reaching 256 has probability about 2^-256
  for (let ctr = 0; ctr < 256; ctr++) {
    buf[buf.length - 2] = ctr;
    // interpret_hash_value_as_a_point(s) = string_to_point(s[0..31]) (§5.5)
    const P = stringToPoint(sha512(buf).subarray(0, 32));
    if (P === null) continue;
    const H = P.clearCofactor();
    if (!H.is0()) return { H, ctr };
  }
  throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'ECVRF try-and-increment: counter overflow');
}

/** RFC 9380 suite used by ECVRF-EDWARDS25519-SHA512-ELL2 (RFC 9381 §5.5). */
export const ELL2_H2C_SUITE_ID = 'edwards25519_XMD:SHA-512_ELL2_NU_';

/** RFC 9381 §5.4.1.2: DST = "ECVRF_" ‖ h2c_suite_ID_string ‖ suite_string. */
export function ell2DST(suiteString: number): Uint8Array {
  return concatBytes(utf8ToBytes(`ECVRF_${ELL2_H2C_SUITE_ID}`), new Uint8Array([suiteString]));
}

/** RFC 9381 §5.4.1.2 ECVRF_encode_to_curve_h2c_suite: RFC 9380 encode_to_curve(salt ‖ alpha). */
export function encodeToCurveELL2(
  suiteString: number,
  salt: Uint8Array,
  alpha: Uint8Array,
): EdPoint {
  return ed25519_hasher.encodeToCurve(concatBytes(salt, alpha), { DST: ell2DST(suiteString) });
}

/** RFC 9380 intermediate values of the ELL2 encoding, for checking against vectors. */
export interface ELL2Trace {
  uniformBytes: Uint8Array;
  u: bigint;
  /** x1 = −J / (1 + Z·u²) on curve25519. */
  x1: bigint;
  gx1: bigint;
  gx1IsSquare: boolean;
  /** Montgomery x chosen by noble's map_to_curve_elligator2_curve25519(u): x1 or −x1 − J. */
  montgomeryX: bigint;
  /** noble's clear_cofactor(map_to_curve(u)): must equal encodeToCurveELL2's H. */
  H: EdPoint;
}

const ELL2_J = 486662n; // curve25519 Montgomery A (RFC 9380 §6.7.1 J, with K = 1)
const ELL2_Z = 2n; // RFC 9380 §8.5: Z = 2 for curve25519

/** Recomputes encode_to_curve step by step (RFC 9380 §5.2, §5.3.1, §6.7.1). */
export function traceELL2(suiteString: number, salt: Uint8Array, alpha: Uint8Array): ELL2Trace {
  const Fp = Point.Fp;
  // hash_to_field with count = 1, m = 1, L = 48 (k = 128)
  const uniformBytes = expand_message_xmd(
    concatBytes(salt, alpha),
    ell2DST(suiteString),
    48,
    nobleSha512,
  );
  const u = Fp.create(bytesToBigInt(uniformBytes)); // OS2IP is big-endian
  // x1 = −J / (1 + Z·u²), or −J when the denominator is 0 (exceptional case)
  const den = Fp.add(Fp.ONE, Fp.mul(ELL2_Z, Fp.sqr(u)));
  const x1 = Fp.is0(den) ? Fp.neg(ELL2_J) : Fp.neg(Fp.div(ELL2_J, den));
  const gx1 = Fp.add(Fp.add(Fp.pow(x1, 3n), Fp.mul(ELL2_J, Fp.sqr(x1))), x1);
  const legendre = Fp.pow(gx1, (Fp.ORDER - 1n) / 2n);
  const m = _map_to_curve_elligator2_curve25519(u);
  // noble types mapToCurve as taking bigint[], but for m = 1 it takes the bigint itself
  const mapToCurve = ed25519_hasher.mapToCurve as unknown as (u: bigint) => EdPoint;
  return {
    uniformBytes,
    u,
    x1,
    gx1,
    gx1IsSquare: legendre !== Fp.ORDER - 1n,
    montgomeryX: Fp.div(m.xMn, m.xMd),
    H: mapToCurve(u),
  };
}
