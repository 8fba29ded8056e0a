import type * as Blst from '@chainsafe/blst';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import {
  assertNonEmpty,
  falseOnThrow,
  invalidPoint,
  isBytes,
  secretKeyToScalar,
} from './_internal.ts';
import { BLS_PUBLIC_KEY_LENGTH, BLS_SIGNATURE_LENGTH, isInfinityEncoding } from './constants.ts';
import { noblePopProve, noblePopVerify } from './noble.ts';
import type { BlsBackend, BlsSignatureSet } from './types.ts';

type BlstModule = typeof Blst;

/**
 * Loads the native binding (@chainsafe/blst 2.x, a NAPI wrapper of supranational/blst).
 * Throws CryptoError BACKEND_UNAVAILABLE when the package or its prebuilt binary is missing.
 */
export async function loadBlstBackend(): Promise<BlsBackend> {
  let mod: BlstModule;
  try {
    const imported = (await import('@chainsafe/blst')) as BlstModule & { default?: BlstModule };
    mod = imported.default ?? imported;
    // Touch the binding once so a broken binary fails here, not on first use.
    mod.SecretKey.fromKeygen(new Uint8Array(32)).toPublicKey();
  } catch (e) {
    throw new CryptoError(
      CryptoErrorCode.BACKEND_UNAVAILABLE,
      `BLS backend 'blst' unavailable: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return createBlstBackend(mod);
}

/**
 * The blst backend. @chainsafe/blst fixes the hash-to-curve DST to the signature DST and has
 * no hash-to-G2 entry point, so `popProve`/`popVerify` run on noble (same answers, slower).
 */
export function createBlstBackend(blst: BlstModule): BlsBackend {
  /** KeyValidate; blst also accepts 96-byte uncompressed keys, which the ciphersuite does not. */
  const decodePublicKey = (b: Uint8Array): Blst.PublicKey | null => {
    if (!isBytes(b, BLS_PUBLIC_KEY_LENGTH)) return null;
    try {
      return blst.PublicKey.fromBytes(b, true); // infinity + subgroup checks
    } catch {
      return null;
    }
  };
  /** A G2 point in the subgroup; infinity allowed (sigValidate on, sigInfcheck off). */
  const decodeSignature = (b: Uint8Array): Blst.Signature | null => {
    if (!isBytes(b, BLS_SIGNATURE_LENGTH)) return null;
    try {
      return blst.Signature.fromBytes(b, true, false);
    } catch {
      return null;
    }
  };
  const isValidG1Point = (b: Uint8Array): boolean => {
    if (!isBytes(b, BLS_PUBLIC_KEY_LENGTH)) return false;
    if (decodePublicKey(b) !== null) return true;
    // KeyValidate refuses infinity; as a bare G1 point the canonical identity is fine.
    return isInfinityEncoding(b, 'G1');
  };
  const secretKey = (sk: Uint8Array): Blst.SecretKey => {
    secretKeyToScalar(sk); // same checks and errors as noble
    return blst.SecretKey.fromBytes(sk);
  };
  const decodeAll = <T>(list: readonly Uint8Array[], dec: (b: Uint8Array) => T | null) => {
    const out: T[] = [];
    for (const b of list) {
      const p = dec(b);
      if (p === null) return null;
      out.push(p);
    }
    return out;
  };
  const isMessage = (m: unknown): m is Uint8Array => m instanceof Uint8Array;

  return Object.freeze({
    name: 'blst',
    secretKeyToPublicKey: (sk: Uint8Array) => secretKey(sk).toPublicKey().toBytes(true),
    sign(sk: Uint8Array, message: Uint8Array) {
      if (!isMessage(message)) {
        throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'BLS message must be a Uint8Array');
      }
      return secretKey(sk).sign(message).toBytes(true);
    },
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      falseOnThrow(() => {
        const pk = decodePublicKey(publicKey);
        const sig = decodeSignature(signature);
        if (!pk || !sig || !isMessage(message)) return false;
        return blst.verify(message, pk, sig, false, false);
      }),
    aggregateVerify: (pks: readonly Uint8Array[], msgs: readonly Uint8Array[], sig: Uint8Array) =>
      falseOnThrow(() => {
        if (!Array.isArray(pks) || !Array.isArray(msgs)) return false;
        if (pks.length === 0 || pks.length !== msgs.length || !msgs.every(isMessage)) return false;
        const points = decodeAll(pks, decodePublicKey);
        const s = decodeSignature(sig);
        return (
          points !== null && s !== null && blst.aggregateVerify([...msgs], points, s, false, false)
        );
      }),
    fastAggregateVerify: (pks: readonly Uint8Array[], msg: Uint8Array, sig: Uint8Array) =>
      falseOnThrow(() => {
        if (!Array.isArray(pks) || pks.length === 0 || !isMessage(msg)) return false;
        const points = decodeAll(pks, decodePublicKey);
        const s = decodeSignature(sig);
        // blst refuses an aggregate key at infinity (BLST_PK_IS_INFINITY), as CoreVerify does.
        return points !== null && s !== null && blst.fastAggregateVerify(msg, points, s, false);
      }),
    verifyBatch: (sets: readonly BlsSignatureSet[]) =>
      falseOnThrow(() => {
        if (!Array.isArray(sets) || sets.length === 0) return false;
        const native: Blst.SignatureSet[] = [];
        for (const s of sets) {
          const pk = decodePublicKey(s.publicKey);
          const sig = decodeSignature(s.signature);
          if (!pk || !sig || !isMessage(s.message)) return false;
          native.push({ msg: s.message, pk, sig });
        }
        // The binding draws its own random 64-bit blinding scalars for every set.
        return blst.verifyMultipleAggregateSignatures(native, false, false);
      }),
    aggregateSignatures(signatures: readonly Uint8Array[]) {
      assertNonEmpty(signatures, 'signatures');
      const points = signatures.map((b, i) => {
        const p = decodeSignature(b);
        if (!p) throw invalidPoint('INVALID_SIGNATURE', i);
        return p;
      });
      return blst.aggregateSignatures(points, false).toBytes(true);
    },
    aggregatePublicKeys(publicKeys: readonly Uint8Array[]) {
      assertNonEmpty(publicKeys, 'public keys');
      const points = publicKeys.map((b, i) => {
        const p = decodePublicKey(b);
        if (!p) throw invalidPoint('INVALID_PUBLIC_KEY', i);
        return p;
      });
      return blst.aggregatePublicKeys(points, false).toBytes(true);
    },
    popProve: noblePopProve,
    popVerify: noblePopVerify,
    isValidPublicKey: (b: Uint8Array) => decodePublicKey(b) !== null,
    isValidG1Point,
    isValidSignature: (b: Uint8Array) => decodeSignature(b) !== null,
  });
}
