/**
 * The `libsecp256k1` backend: Bitcoin Core's C library, reached two ways and combined by
 * measured speed (see README "secp256k1"):
 * - ECDSA, keys and tweaks of full keys: the `secp256k1` package's N-API binding (native
 *   libsecp256k1). We load its `bindings.js` directly so its pure-JS elliptic fallback can
 *   never be picked up silently.
 * - BIP340 Schnorr and x-only keys/tweaks: `tiny-secp256k1` (libsecp256k1 compiled to WASM),
 *   which also serves ECDSA when the native binding does not load.
 * Both bindings take 32-byte messages only; BIP340 messages of other lengths (allowed since
 * the BIP's amendment, unused by Bitcoin) go through the shared exact TS verifier/signer.
 */
import { createRequire } from 'node:module';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { N, P, secretScalar, tweakScalar } from './_curve.ts';
import { type EllswiftMultiplier, setEllswiftMultiplier } from './ellswift.ts';
import { nobleSecp256k1, schnorrVerifyExact } from './noble.ts';
import type { Secp256k1Backend, XOnlyTweakResult } from './types.ts';

/** The parts of the `secp256k1` package (v5) we use; its wrapper validates lengths itself. */
export interface NativeSecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean;
  ecdsaSign(
    msg32: Uint8Array,
    sk: Uint8Array,
    opts?: { data?: Uint8Array },
  ): { signature: Uint8Array };
  publicKeyCreate(sk: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyConvert(pub: Uint8Array, compressed?: boolean): Uint8Array;
  privateKeyTweakAdd(sk: Uint8Array, tweak: Uint8Array): Uint8Array;
}

/** The parts of `tiny-secp256k1` (v2) we use. */
export interface TinySecp256k1 {
  verify(h: Uint8Array, Q: Uint8Array, sig: Uint8Array, strict?: boolean): boolean;
  sign(h: Uint8Array, d: Uint8Array, e?: Uint8Array): Uint8Array;
  pointFromScalar(d: Uint8Array, compressed?: boolean): Uint8Array | null;
  pointCompress(p: Uint8Array, compressed?: boolean): Uint8Array;
  pointMultiply(p: Uint8Array, tweak: Uint8Array, compressed?: boolean): Uint8Array | null;
  isPoint(p: Uint8Array): boolean;
  isXOnlyPoint(p: Uint8Array): boolean;
  xOnlyPointFromScalar(d: Uint8Array): Uint8Array;
  xOnlyPointAddTweak(
    p: Uint8Array,
    tweak: Uint8Array,
  ): { parity: 0 | 1; xOnlyPubkey: Uint8Array } | null;
  privateAdd(d: Uint8Array, tweak: Uint8Array): Uint8Array | null;
  verifySchnorr(h: Uint8Array, Q: Uint8Array, sig: Uint8Array): boolean;
  signSchnorr(h: Uint8Array, d: Uint8Array, e?: Uint8Array): Uint8Array;
}

const N_BYTES = hex32(N);
const HALF_N_BYTES = hex32(N >> 1n);
const P_BYTES = hex32(P);
const ZERO32 = new Uint8Array(32);

function hex32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** Compares a[off..off+32] with b (32 bytes) as big-endian integers. */
function cmp32(a: Uint8Array, off: number, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = a[off + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function isZero32(a: Uint8Array, off: number): boolean {
  return cmp32(a, off, ZERO32) === 0;
}

/** n - s written over out[32..64] (s is in (n/2, n), so no underflow). */
function negateSInto(out: Uint8Array): void {
  let borrow = 0;
  for (let i = 31; i >= 0; i--) {
    let d = N_BYTES[i]! - out[32 + i]! - borrow;
    borrow = d < 0 ? 1 : 0;
    if (d < 0) d += 256;
    out[32 + i] = d;
  }
}

function isPubkeyShape(pub: Uint8Array, allowHybrid: boolean): boolean {
  if (!(pub instanceof Uint8Array)) return false;
  const h = pub[0];
  if (pub.length === 33) return h === 0x02 || h === 0x03;
  if (pub.length !== 65) return false;
  return h === 0x04 || (allowHybrid && (h === 0x06 || h === 0x07));
}

interface EcdsaImpl {
  readonly label: string;
  /** sig is in range, non-zero and low-S; pub has a valid shape. */
  verify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean;
  sign(msg32: Uint8Array, sk: Uint8Array, extra?: Uint8Array): Uint8Array;
  create(sk: Uint8Array, compressed: boolean): Uint8Array;
  /** Parses (hybrid accepted) and re-serializes, or null. */
  convert(pub: Uint8Array, compressed: boolean): Uint8Array | null;
  /** (sk + t) mod n for valid sk and t < n; null when the sum is zero. */
  tweakAdd(sk: Uint8Array, tweak: Uint8Array): Uint8Array | null;
}

function nativeEcdsa(nat: NativeSecp256k1): EcdsaImpl {
  return {
    label: 'secp256k1 N-API (native libsecp256k1)',
    verify(sig, msg32, pub) {
      try {
        return nat.ecdsaVerify(sig, msg32, pub);
      } catch {
        return false; // the binding throws when the public key does not parse
      }
    },
    sign: (msg32, sk, extra) =>
      nat.ecdsaSign(msg32, sk, extra === undefined ? {} : { data: extra }).signature,
    create: (sk, compressed) => nat.publicKeyCreate(sk, compressed),
    convert(pub, compressed) {
      try {
        return nat.publicKeyConvert(pub, compressed);
      } catch {
        return null;
      }
    },
    tweakAdd(sk, tweak) {
      try {
        // The binding tweaks its first argument in place: hand it a copy.
        return nat.privateKeyTweakAdd(sk.slice(), tweak);
      } catch {
        return null;
      }
    },
  };
}

function wasmEcdsa(tiny: TinySecp256k1): EcdsaImpl {
  return {
    label: 'tiny-secp256k1 (libsecp256k1 WASM)',
    verify(sig, msg32, pub) {
      try {
        return tiny.verify(msg32, pub, sig, true);
      } catch {
        return false;
      }
    },
    sign: (msg32, sk, extra) => tiny.sign(msg32, sk, extra),
    create: (sk, compressed) => tiny.pointFromScalar(sk, compressed)!,
    convert(pub, compressed) {
      try {
        return tiny.isPoint(pub) ? tiny.pointCompress(pub, compressed) : null;
      } catch {
        return null;
      }
    },
    tweakAdd(sk, tweak) {
      try {
        return tiny.privateAdd(sk, tweak);
      } catch {
        return null;
      }
    },
  };
}

/** Builds the backend from loaded bindings (`nat` null: ECDSA through the WASM build too). */
export function createLibsecp256k1Backend(
  tiny: TinySecp256k1,
  nat: NativeSecp256k1 | null,
): Secp256k1Backend & { readonly implementation: string } {
  const ecdsa = nat ? nativeEcdsa(nat) : wasmEcdsa(tiny);
  const sigBuf = new Uint8Array(64);
  return Object.freeze({
    name: 'libsecp256k1' as const,
    implementation: `ECDSA: ${ecdsa.label}; Schnorr/x-only: tiny-secp256k1 (libsecp256k1 WASM)`,

    isValidPrivateKey: nobleSecp256k1.isValidPrivateKey,
    publicKeyCreate(sk: Uint8Array, compressed = true): Uint8Array {
      secretScalar(sk);
      return ecdsa.create(sk, compressed);
    },
    parsePublicKey(pub: Uint8Array, opts?: { allowHybrid?: boolean }): Uint8Array | null {
      if (!isPubkeyShape(pub, opts?.allowHybrid === true)) return null;
      return ecdsa.convert(pub, false);
    },
    serializePublicKey(pub: Uint8Array, compressed: boolean): Uint8Array {
      const out = isPubkeyShape(pub, false) ? ecdsa.convert(pub, compressed) : null;
      if (out === null) {
        throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'invalid public key');
      }
      return out;
    },
    xOnlyPublicKey(sk: Uint8Array): Uint8Array {
      secretScalar(sk);
      return tiny.xOnlyPointFromScalar(sk);
    },
    isValidXOnlyPublicKey(x: Uint8Array): boolean {
      if (!(x instanceof Uint8Array) || x.length !== 32) return false;
      return tiny.isXOnlyPoint(x);
    },
    privateKeyTweakAdd(sk: Uint8Array, tweak: Uint8Array): Uint8Array {
      secretScalar(sk);
      tweakScalar(tweak);
      const out = ecdsa.tweakAdd(sk, tweak);
      if (out === null) throw new CryptoError(CryptoErrorCode.INVALID_TWEAK, 'tweaked key is zero');
      return out;
    },
    // n - sk needs no curve work; the shared scalar code is exact.
    privateKeyNegate: nobleSecp256k1.privateKeyNegate,

    ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean {
      if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
      if (!(msg32 instanceof Uint8Array) || msg32.length !== 32) return false;
      if (!isPubkeyShape(pub, true)) return false;
      if (isZero32(sig, 0) || isZero32(sig, 32)) return false;
      if (cmp32(sig, 0, N_BYTES) >= 0 || cmp32(sig, 32, N_BYTES) >= 0) return false;
      // Core normalizes to low-S before libsecp256k1's verify, which rejects high S.
      if (cmp32(sig, 32, HALF_N_BYTES) > 0) {
        sigBuf.set(sig);
        negateSInto(sigBuf);
        return ecdsa.verify(sigBuf, msg32, pub);
      }
      return ecdsa.verify(sig, msg32, pub);
    },
    ecdsaSign(msg32: Uint8Array, sk: Uint8Array, extraEntropy?: Uint8Array): Uint8Array {
      assertLength(msg32, 32, 'message hash');
      secretScalar(sk);
      if (extraEntropy !== undefined) assertLength(extraEntropy, 32, 'extra entropy');
      return ecdsa.sign(msg32, sk, extraEntropy);
    },

    schnorrVerify(sig: Uint8Array, msg: Uint8Array, xOnlyPub: Uint8Array): boolean {
      if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
      if (!(xOnlyPub instanceof Uint8Array) || xOnlyPub.length !== 32) return false;
      if (!(msg instanceof Uint8Array)) return false;
      if (cmp32(sig, 32, N_BYTES) >= 0 || cmp32(sig, 0, P_BYTES) >= 0) return false;
      // tiny-secp256k1's JS layer rejects r >= n although BIP340 allows r in [n, p), and it
      // only takes 32-byte messages: those rare inputs use the exact shared verifier.
      if (msg.length !== 32 || cmp32(sig, 0, N_BYTES) >= 0) {
        return schnorrVerifyExact(sig, msg, xOnlyPub);
      }
      try {
        return tiny.verifySchnorr(msg, xOnlyPub, sig);
      } catch {
        return false; // x-only key not on the curve
      }
    },
    schnorrSign(msg: Uint8Array, sk: Uint8Array, auxRand?: Uint8Array): Uint8Array {
      if (!(msg instanceof Uint8Array) || msg.length !== 32) {
        return nobleSecp256k1.schnorrSign(msg, sk, auxRand);
      }
      secretScalar(sk);
      const aux = auxRand ?? ZERO32;
      assertLength(aux, 32, 'auxRand');
      return tiny.signSchnorr(msg, sk, aux);
    },

    xOnlyTweakAdd(xOnlyPub: Uint8Array, tweak: Uint8Array): XOnlyTweakResult | null {
      assertLength(xOnlyPub, 32, 'x-only public key');
      assertLength(tweak, 32, 'tweak');
      if (cmp32(tweak, 0, N_BYTES) >= 0) return null;
      try {
        const r = tiny.xOnlyPointAddTweak(xOnlyPub, tweak);
        return r === null ? null : { xOnly: r.xOnlyPubkey, parity: r.parity };
      } catch {
        return null; // x-only key not on the curve
      }
    },
  });
}

/** Loads the native `secp256k1` binding, or null when its prebuilt addon does not load. */
export function loadNativeBinding(): NativeSecp256k1 | null {
  try {
    const require = createRequire(import.meta.url);
    // `secp256k1/bindings.js` requires the N-API addon and throws if it is missing; the
    // package's main entry would silently fall back to elliptic.js instead.
    return require('secp256k1/bindings.js') as NativeSecp256k1;
  } catch {
    return null;
  }
}

/** ElligatorSwift's scalar multiplications through libsecp256k1 (WASM). */
export function wasmEllswiftMultiplier(tiny: TinySecp256k1): EllswiftMultiplier {
  const pt = new Uint8Array(33);
  pt[0] = 0x02;
  return {
    name: 'libsecp256k1 (tiny-secp256k1 WASM)',
    mulX(x32, sk) {
      pt.set(x32, 1);
      const r = tiny.pointMultiply(pt, sk, true);
      // sk is in [1, n) and the point has prime order n: the product is never infinity
      if (r === null)
        throw new CryptoError(CryptoErrorCode.INVALID_PUBLIC_KEY, 'product is infinity');
      return r.slice(1);
    },
    baseX: (sk) => tiny.xOnlyPointFromScalar(sk),
  };
}

/**
 * Makes ElligatorSwift key creation and ECDH (BIP324, Stratum V2's Noise) use libsecp256k1
 * (WASM) for their scalar multiplications. Returns false, changing nothing, when it cannot load.
 */
export async function accelerateEllswift(): Promise<boolean> {
  const tiny = await loadWasmBinding();
  if (tiny === null) return false;
  setEllswiftMultiplier(wasmEllswiftMultiplier(tiny));
  return true;
}

/** Loads tiny-secp256k1 (WASM), or null. */
export async function loadWasmBinding(): Promise<TinySecp256k1 | null> {
  try {
    return (await import('tiny-secp256k1')) as TinySecp256k1;
  } catch {
    return null;
  }
}

/** The libsecp256k1 backend, or CryptoError BACKEND_UNAVAILABLE when it cannot load. */
export async function loadLibsecp256k1Backend(): Promise<
  Secp256k1Backend & { readonly implementation: string }
> {
  const tiny = await loadWasmBinding();
  if (tiny === null) {
    throw new CryptoError(
      CryptoErrorCode.BACKEND_UNAVAILABLE,
      'libsecp256k1 backend unavailable: tiny-secp256k1 (WASM) did not load',
    );
  }
  // whoever loads libsecp256k1 gets its ElligatorSwift multiplications too
  setEllswiftMultiplier(wasmEllswiftMultiplier(tiny));
  return createLibsecp256k1Backend(tiny, loadNativeBinding());
}
