/**
 * ElligatorSwift (BIP324): 64-byte encodings of secp256k1 x coordinates that are
 * indistinguishable from random bytes, and the x-only ECDH built on them. Pure TypeScript over
 * noble's field arithmetic; both secp256k1 backends share it. Not constant time in the public
 * inputs (BIP324 does not require it); the secret scalar goes through noble's constant-time
 * multiplication.
 */
import { concatBytes } from '@keel/util';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { sha256, taggedHash } from '../hashes/index.ts';
import { bytesToNum, Fn, Fp, isValidX, liftX, numTo32, P, Point, sqrtOrNull } from './_curve.ts';

/**
 * Scalar multiplications, pluggable: noble's by default; `accelerateEllswift()` installs
 * libsecp256k1's (WASM), which computes the same points about 20× faster. Results never
 * depend on which is installed; the bip324 suite runs both.
 */
export interface EllswiftMultiplier {
  readonly name: string;
  /** x(k·P) for the point P with x coordinate `x32` (either y: x of the product is the same). */
  mulX(x32: Uint8Array, sk: Uint8Array): Uint8Array;
  /** x(k·G). */
  baseX(sk: Uint8Array): Uint8Array;
}

const nobleMultiplier: EllswiftMultiplier = {
  name: 'noble',
  mulX: (x32, sk) => numTo32(liftX(bytesToNum(x32))!.multiply(bytesToNum(sk)).toAffine().x),
  baseX: (sk) => numTo32(Point.BASE.multiply(bytesToNum(sk)).toAffine().x),
};
let multiplier: EllswiftMultiplier = nobleMultiplier;

/** Installs `m` (null: back to noble) for ElligatorSwift key creation and ECDH. */
export function setEllswiftMultiplier(m: EllswiftMultiplier | null): void {
  multiplier = m ?? nobleMultiplier;
}

/** The multiplier in use ('noble' unless one was installed). */
export function ellswiftMultiplierName(): string {
  return multiplier.name;
}

/** BIP324: c = sqrt(-3) mod p, the root that is itself a square. */
const C = 0xa2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852n;
const HALF = Fp.inv(2n);

/** BIP324 XSwiftEC(u, t): maps any (u, t) in [0, p) to a valid x coordinate. */
export function xswiftec(u: bigint, t: bigint): bigint {
  // BIP324: remap the ~3 inputs per 2^256 that the paper sends to infinity.
  if (u === 0n) u = 1n;
  if (t === 0n) t = 1n;
  const u3p7 = Fp.add(Fp.mul(Fp.sqr(u), u), 7n);
  if (Fp.add(u3p7, Fp.sqr(t)) === 0n) t = Fp.add(t, t);
  const X = Fp.div(Fp.sub(u3p7, Fp.sqr(t)), Fp.add(t, t));
  const Y = Fp.div(Fp.add(X, t), Fp.mul(C, u));
  const x3 = Fp.add(u, Fp.mul(4n, Fp.sqr(Y)));
  if (isValidX(x3)) return x3;
  const XdivY = Fp.div(X, Y);
  const x2 = Fp.mul(Fp.sub(Fp.neg(XdivY), u), HALF);
  if (isValidX(x2)) return x2;
  // BIP324 guarantees one of the three is valid.
  return Fp.mul(Fp.sub(XdivY, u), HALF);
}

/**
 * BIP324 XSwiftECInv(x, u, case): a t with XSwiftEC(u, t) = x, or null. `which` in 0..7
 * selects one of the up to 8 preimages.
 */
export function xswiftecInv(x: bigint, u: bigint, which: number): bigint | null {
  let s: bigint;
  let v: bigint;
  if ((which & 2) === 0) {
    if (isValidX(Fp.sub(Fp.neg(x), u))) return null;
    v = x;
    const den = Fp.add(Fp.add(Fp.sqr(u), Fp.mul(u, v)), Fp.sqr(v));
    s = Fp.div(Fp.neg(Fp.add(Fp.mul(Fp.sqr(u), u), 7n)), den);
  } else {
    s = Fp.sub(x, u);
    if (s === 0n) return null;
    const u2 = Fp.sqr(u);
    const inner = Fp.add(Fp.mul(4n, Fp.add(Fp.mul(u2, u), 7n)), Fp.mul(Fp.mul(3n, u2), s));
    const r = sqrtOrNull(Fp.neg(Fp.mul(s, inner)));
    if (r === null) return null;
    if ((which & 1) === 1 && r === 0n) return null;
    v = Fp.mul(Fp.sub(Fp.div(r, s), u), HALF);
  }
  const w = sqrtOrNull(s);
  if (w === null) return null;
  const uMinus = Fp.mul(Fp.mul(u, Fp.sub(1n, C)), HALF); // u(1 - c)/2
  const uPlus = Fp.mul(Fp.mul(u, Fp.add(1n, C)), HALF); // u(1 + c)/2
  switch (which & 5) {
    case 0:
      return Fp.neg(Fp.mul(w, Fp.add(uMinus, v)));
    case 1:
      return Fp.mul(w, Fp.add(uPlus, v));
    case 4:
      return Fp.mul(w, Fp.add(uMinus, v));
    default:
      return Fp.neg(Fp.mul(w, Fp.add(uPlus, v)));
  }
}

/** Decodes a 64-byte ElligatorSwift encoding u‖t to the 32-byte x coordinate it encodes. */
export function ellswiftDecode(ell64: Uint8Array): Uint8Array {
  assertLength(ell64, 64, 'ellswift encoding');
  return numTo32(decodeToX(ell64));
}

function decodeToX(ell64: Uint8Array): bigint {
  const u = Fp.create(bytesToNum(ell64.subarray(0, 32)));
  const t = Fp.create(bytesToNum(ell64.subarray(32, 64)));
  return xswiftec(u, t);
}

/** The x coordinate of a 33/65-byte public key, or of a 32-byte x-only key; validated. */
function xOf(pubkeyOrX: Uint8Array): bigint {
  if (!(pubkeyOrX instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'public key must be a Uint8Array');
  }
  if (pubkeyOrX.length === 32) {
    const x = bytesToNum(pubkeyOrX);
    if (x >= P || !isValidX(x)) {
      throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'x is not on the curve');
    }
    return x;
  }
  try {
    return Point.fromBytes(pubkeyOrX).toAffine().x;
  } catch {
    throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'invalid public key', {
      length: pubkeyOrX.length,
    });
  }
}

/**
 * XElligatorSwift: a uniformly distributed 64-byte encoding of the key's x coordinate,
 * driven deterministically by `rnd32` (pass fresh randomness for indistinguishability).
 * The candidate stream is keel's own (a tagged SHA-256 counter), so the bytes differ from
 * libsecp256k1's `ellswift_encode` for the same `rnd32`; both decode to the same x.
 */
export function ellswiftEncode(pubkeyOrX: Uint8Array, rnd32: Uint8Array): Uint8Array {
  assertLength(rnd32, 32, 'rnd32');
  const x = xOf(pubkeyOrX);
  const xBytes = numTo32(x);
  const ctr = new Uint8Array(4);
  for (let i = 0; ; i++) {
    new DataView(ctr.buffer).setUint32(0, i, true);
    const h = taggedHash('keel/ellswift_encode', rnd32, xBytes, ctr);
    const u = Fp.create(bytesToNum(h));
    if (u === 0n) continue;
    const which = sha256(h)[0]! & 7;
    const t = xswiftecInv(x, u, which);
    if (t !== null) return concatBytes(numTo32(u), numTo32(t));
  }
}

function scalarOf(sk: Uint8Array): bigint {
  assertLength(sk, 32, 'secret key');
  const d = bytesToNum(sk);
  if (d === 0n || d >= Fn.ORDER) {
    throw new CryptoError(CryptoErrorCode.INVALID_PRIVATE_KEY, 'secret key out of range');
  }
  return d;
}

/** The ElligatorSwift-encoded public key of `sk`; `auxRand32` (zeros if omitted) randomizes it. */
export function ellswiftCreate(sk: Uint8Array, auxRand32?: Uint8Array): Uint8Array {
  scalarOf(sk);
  const aux = auxRand32 ?? new Uint8Array(32);
  assertLength(aux, 32, 'auxRand32');
  const pub = multiplier.baseX(sk);
  const rnd = taggedHash('keel/ellswift_create', sk, aux);
  return ellswiftEncode(pub, rnd);
}

/** x(sk·lift_x(x)) as 32 bytes: raw x-only ECDH. Throws if x is not on the curve. */
export function xOnlyEcdh(x32: Uint8Array, sk: Uint8Array): Uint8Array {
  assertLength(x32, 32, 'x-only public key');
  const x = bytesToNum(x32);
  if (x >= P || !isValidX(x)) {
    throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'x is not on the curve');
  }
  scalarOf(sk);
  return multiplier.mulX(x32, sk);
}

/** BIP324 ellswift_ecdh_xonly: x(sk·P) for the point P that `ellTheirs` encodes. */
export function ellswiftEcdhXonly(ellTheirs: Uint8Array, sk: Uint8Array): Uint8Array {
  assertLength(ellTheirs, 64, 'ellswift encoding');
  scalarOf(sk);
  // XSwiftEC always yields a valid x, so lift_x cannot fail here.
  return multiplier.mulX(numTo32(decodeToX(ellTheirs)), sk);
}

/**
 * BIP324 v2_ecdh, in libsecp256k1's `ellswift_xdh` shape: `ellA` is the initiator's encoding,
 * `ellB` the responder's, `sk` ours; `initiating` says which of the two is ours. Returns
 * tagged_hash("bip324_ellswift_xonly_ecdh", ellA ‖ ellB ‖ x(shared)).
 */
export function ellswiftXdh(
  ellA: Uint8Array,
  ellB: Uint8Array,
  sk: Uint8Array,
  initiating: boolean,
): Uint8Array {
  assertLength(ellA, 64, 'ellswift encoding A');
  assertLength(ellB, 64, 'ellswift encoding B');
  const x = ellswiftEcdhXonly(initiating ? ellB : ellA, sk);
  return taggedHash('bip324_ellswift_xonly_ecdh', ellA, ellB, x);
}
