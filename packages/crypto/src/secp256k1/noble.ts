/**
 * The `noble` secp256k1 backend: pure TypeScript over @noble/curves v2, with libsecp256k1's
 * exact semantics. noble's own ECDSA/Schnorr entry points are not consensus-exact (lowS and
 * prehash default to true, strict DER, Schnorr rejects s = 0), so verification is written
 * here over noble's point arithmetic and every noble call sets its options explicitly.
 */
import { schnorr as nobleSchnorr } from '@noble/curves/secp256k1.js';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { taggedHash } from '../hashes/index.ts';
import {
  bytesToNum,
  encodePoint,
  Fn,
  Fp,
  isValidX,
  liftX,
  N,
  type NoblePoint,
  numTo32,
  P,
  Point,
  parsePoint,
  secretScalar,
  tweakScalar,
} from './_curve.ts';
import { ecdsaSignRfc6979 } from './rfc6979.ts';
import type { Secp256k1Backend, XOnlyTweakResult } from './types.ts';

const G = Point.BASE;
// A wider fixed-base window than noble's default (6) speeds up signing and key creation;
// the table is built lazily on first use.
G.precompute(8);

function is32(b: unknown): b is Uint8Array {
  return b instanceof Uint8Array && b.length === 32;
}

/** R.x mod n == r without an inversion: X == r·Z, or X == (r+n)·Z when r+n < p. */
function xModNEquals(R: NoblePoint, r: bigint): boolean {
  if (R.is0()) return false;
  const Z = R.Z;
  if (Fp.mul(r, Z) === R.X) return true;
  return r + N < P && Fp.mul(r + N, Z) === R.X;
}

/** Consensus ECDSA verification over an already-parsed point (shared with the other backend). */
export function ecdsaVerifyPoint(
  sig: Uint8Array,
  msg32: Uint8Array,
  pt: { x: bigint; y: bigint },
): boolean {
  const r = bytesToNum(sig.subarray(0, 32));
  let s = bytesToNum(sig.subarray(32, 64));
  if (r === 0n || s === 0n || r >= N || s >= N) return false;
  // Core normalizes to low-S before libsecp256k1's verify; (r, s) and (r, n-s) verify alike.
  if (s > N >> 1n) s = N - s;
  const h = Fn.create(bytesToNum(msg32));
  const si = Fn.inv(s);
  const R = G.mulAddUnsafe(Fn.mul(h, si), Point.fromAffine(pt), Fn.mul(r, si));
  return xModNEquals(R, r);
}

/** BIP340 verification, exactly as libsecp256k1 (s = 0 is not rejected up front). */
export function schnorrVerifyExact(
  sig: Uint8Array,
  msg: Uint8Array,
  xOnlyPub: Uint8Array,
): boolean {
  if (!(sig instanceof Uint8Array) || sig.length !== 64 || !is32(xOnlyPub)) return false;
  if (!(msg instanceof Uint8Array)) return false;
  const px = bytesToNum(xOnlyPub);
  const pk = px < P ? liftX(px) : null;
  if (pk === null) return false;
  const rBytes = sig.subarray(0, 32);
  const r = bytesToNum(rBytes);
  const s = bytesToNum(sig.subarray(32, 64));
  if (r >= P || s >= N) return false;
  const e = Fn.create(bytesToNum(taggedHash('BIP0340/challenge', rBytes, xOnlyPub, msg)));
  const R = G.mulAddUnsafe(s, pk, Fn.neg(e));
  if (R.is0()) return false;
  const { x, y } = R.toAffine();
  return (y & 1n) === 0n && x === r;
}

function auxOrZero(aux: Uint8Array | undefined): Uint8Array {
  if (aux === undefined) return new Uint8Array(32);
  assertLength(aux, 32, 'auxRand');
  return aux;
}

function publicKeyCreate(sk: Uint8Array, compressed = true): Uint8Array {
  const { x, y } = G.multiply(secretScalar(sk)).toAffine();
  return encodePoint(x, y, compressed);
}

function xOnlyTweakAdd(xOnlyPub: Uint8Array, tweak: Uint8Array): XOnlyTweakResult | null {
  assertLength(xOnlyPub, 32, 'x-only public key');
  assertLength(tweak, 32, 'tweak');
  const t = bytesToNum(tweak);
  const px = bytesToNum(xOnlyPub);
  if (t >= N || px >= P) return null;
  const pk = liftX(px);
  if (pk === null) return null;
  const Q = pk.add(G.multiplyUnsafe(t));
  if (Q.is0()) return null;
  const { x, y } = Q.toAffine();
  return { xOnly: numTo32(x), parity: (y & 1n) === 0n ? 0 : 1 };
}

/** The noble backend object (synchronous; no loading needed). */
export const nobleSecp256k1: Secp256k1Backend = Object.freeze({
  name: 'noble' as const,

  isValidPrivateKey(sk: Uint8Array): boolean {
    if (!is32(sk)) return false;
    const d = bytesToNum(sk);
    return d > 0n && d < N;
  },
  publicKeyCreate,
  parsePublicKey(pub: Uint8Array, opts?: { allowHybrid?: boolean }): Uint8Array | null {
    const pt = parsePoint(pub, opts?.allowHybrid === true);
    return pt === null ? null : encodePoint(pt.x, pt.y, false);
  },
  serializePublicKey(pub: Uint8Array, compressed: boolean): Uint8Array {
    const pt = parsePoint(pub, false);
    if (pt === null) {
      throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'invalid public key');
    }
    return encodePoint(pt.x, pt.y, compressed);
  },
  xOnlyPublicKey(sk: Uint8Array): Uint8Array {
    return numTo32(G.multiply(secretScalar(sk)).toAffine().x);
  },
  isValidXOnlyPublicKey(x: Uint8Array): boolean {
    if (!is32(x)) return false;
    const v = bytesToNum(x);
    return v < P && isValidX(v);
  },
  privateKeyTweakAdd(sk: Uint8Array, tweak: Uint8Array): Uint8Array {
    const d = secretScalar(sk);
    const r = Fn.add(d, tweakScalar(tweak));
    if (r === 0n) throw new CryptoError(CryptoErrorCode.INVALID_TWEAK, 'tweaked key is zero');
    return numTo32(r);
  },
  privateKeyNegate(sk: Uint8Array): Uint8Array {
    return numTo32(N - secretScalar(sk));
  },

  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean {
    if (!(sig instanceof Uint8Array) || sig.length !== 64 || !is32(msg32)) return false;
    const pt = parsePoint(pub, true);
    return pt !== null && ecdsaVerifyPoint(sig, msg32, pt);
  },
  ecdsaSign(msg32: Uint8Array, sk: Uint8Array, extraEntropy?: Uint8Array): Uint8Array {
    assertLength(msg32, 32, 'message hash');
    const d = secretScalar(sk);
    if (extraEntropy !== undefined) assertLength(extraEntropy, 32, 'extra entropy');
    return ecdsaSignRfc6979(msg32, sk, d, extraEntropy);
  },

  schnorrVerify: schnorrVerifyExact,
  schnorrSign(msg: Uint8Array, sk: Uint8Array, auxRand?: Uint8Array): Uint8Array {
    if (!(msg instanceof Uint8Array)) {
      throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'message must be a Uint8Array');
    }
    secretScalar(sk);
    return nobleSchnorr.sign(msg, sk, auxOrZero(auxRand));
  },

  xOnlyTweakAdd,
});
