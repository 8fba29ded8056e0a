import { bls12_381 } from '@noble/curves/bls12-381.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import {
  assertNonEmpty,
  falseOnThrow,
  invalidPoint,
  isBytes,
  secretKeyToScalar,
} from './_internal.ts';
import {
  BLS_DST_POP,
  BLS_DST_SIGNATURE,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  infinityEncoding,
} from './constants.ts';
import type { BlsBackend, BlsSignatureSet } from './types.ts';

type G1Point = InstanceType<typeof bls12_381.G1.Point>;
type G2Point = InstanceType<typeof bls12_381.G2.Point>;

const G1 = bls12_381.G1.Point;
const Fp12 = bls12_381.fields.Fp12;
const SigCoder = bls12_381.longSignatures.Signature;
const NEG_G1 = G1.BASE.negate();

/** A canonical compressed G1 point in the subgroup (infinity allowed), or null. */
function decodeG1(bytes: Uint8Array): G1Point | null {
  // Length first: noble also accepts 96-byte uncompressed points, the ciphersuite does not.
  if (!isBytes(bytes, BLS_PUBLIC_KEY_LENGTH) || (bytes[0]! & 0x80) === 0) return null;
  try {
    return G1.fromBytes(bytes); // checks flags, x < p, on-curve and the subgroup
  } catch {
    return null;
  }
}

/** KeyValidate (draft-04 §2.5): decodes, in G1, not the identity. */
function decodePublicKey(bytes: Uint8Array): G1Point | null {
  const p = decodeG1(bytes);
  return p && !p.is0() ? p : null;
}

function decodeG2(bytes: Uint8Array): G2Point | null {
  if (!isBytes(bytes, BLS_SIGNATURE_LENGTH)) return null;
  try {
    return SigCoder.fromBytes(bytes); // compressed only; subgroup-checked
  } catch {
    return null;
  }
}

function hashToG2(message: Uint8Array, dst: string): G2Point {
  if (!(message instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'BLS message must be a Uint8Array');
  }
  return bls12_381.G2.hashToCurve(message, { DST: dst }) as G2Point;
}

/**
 * ∏ e(g1_i, g2_i) == 1 in GT. Identity terms contribute 1 and are dropped (noble's pairing
 * refuses the identity); this is how an infinity signature is handled.
 */
function pairingProductIsOne(pairs: { g1: G1Point; g2: G2Point }[]): boolean {
  const live = pairs.filter((p) => !p.g1.is0() && !p.g2.is0());
  if (live.length === 0) return true;
  return Fp12.eql(bls12_381.pairingBatch(live, true), Fp12.ONE);
}

/** CoreVerify: e(PK, H(m)) == e(G1, S), as e(PK, H(m))·e(−G1, S) == 1. */
function coreVerify(pk: G1Point, message: Uint8Array, sig: G2Point, dst: string): boolean {
  if (pk.is0()) return false; // KeyValidate(PK) inside CoreVerify
  return pairingProductIsOne([
    { g1: pk, g2: hashToG2(message, dst) },
    { g1: NEG_G1, g2: sig },
  ]);
}

function signWithDst(secretKey: Uint8Array, message: Uint8Array, dst: string): Uint8Array {
  const x = secretKeyToScalar(secretKey);
  return SigCoder.toBytes(hashToG2(message, dst).multiply(x));
}

function secretKeyToPublicKey(secretKey: Uint8Array): Uint8Array {
  return G1.BASE.multiply(secretKeyToScalar(secretKey)).toBytes(true);
}

/** 64-bit non-zero blinding scalars from WebCrypto (the only randomness in @keel/crypto). */
function blindingScalars(n: number): bigint[] {
  const bytes = randomBytes(8 * n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(view.getBigUint64(8 * i) | 1n);
  return out;
}

function verifyBatch(sets: readonly BlsSignatureSet[]): boolean {
  if (!Array.isArray(sets) || sets.length === 0) return false;
  const pks: G1Point[] = [];
  const sigs: G2Point[] = [];
  for (const s of sets) {
    const pk = decodePublicKey(s.publicKey);
    const sig = decodeG2(s.signature);
    if (!pk || !sig || !(s.message instanceof Uint8Array)) return false;
    pks.push(pk);
    sigs.push(sig);
  }
  // ∏ e(r_i·PK_i, H(m_i)) · e(−G1, Σ r_i·S_i) == 1
  const rs = blindingScalars(sets.length);
  const pairs = sets.map((s, i) => ({
    g1: pks[i]!.multiplyUnsafe(rs[i]!),
    g2: hashToG2(s.message, BLS_DST_SIGNATURE),
  }));
  let sum = bls12_381.G2.Point.ZERO;
  for (let i = 0; i < sigs.length; i++) sum = sum.add(sigs[i]!.multiplyUnsafe(rs[i]!));
  pairs.push({ g1: NEG_G1, g2: sum });
  return pairingProductIsOne(pairs);
}

function aggregateVerify(
  publicKeys: readonly Uint8Array[],
  messages: readonly Uint8Array[],
  signature: Uint8Array,
): boolean {
  if (!Array.isArray(publicKeys) || !Array.isArray(messages)) return false;
  if (publicKeys.length === 0 || publicKeys.length !== messages.length) return false;
  const sig = decodeG2(signature);
  if (!sig) return false;
  const pairs: { g1: G1Point; g2: G2Point }[] = [];
  for (let i = 0; i < publicKeys.length; i++) {
    const pk = decodePublicKey(publicKeys[i]!);
    if (!pk) return false;
    pairs.push({ g1: pk, g2: hashToG2(messages[i]!, BLS_DST_SIGNATURE) });
  }
  pairs.push({ g1: NEG_G1, g2: sig });
  return pairingProductIsOne(pairs);
}

function fastAggregateVerify(
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!Array.isArray(publicKeys) || publicKeys.length === 0) return false;
  const sig = decodeG2(signature);
  if (!sig) return false;
  let agg = G1.ZERO;
  for (const b of publicKeys) {
    const pk = decodePublicKey(b);
    if (!pk) return false;
    agg = agg.add(pk);
  }
  return coreVerify(agg, message, sig, BLS_DST_SIGNATURE);
}

function aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array {
  assertNonEmpty(signatures, 'signatures');
  let agg = bls12_381.G2.Point.ZERO;
  signatures.forEach((b, i) => {
    const p = decodeG2(b);
    if (!p) throw invalidPoint('INVALID_SIGNATURE', i);
    agg = agg.add(p);
  });
  // noble refuses to serialize a projective identity it reached by addition; encode it here.
  return agg.is0() ? infinityEncoding('G2') : SigCoder.toBytes(agg);
}

function aggregatePublicKeys(publicKeys: readonly Uint8Array[]): Uint8Array {
  assertNonEmpty(publicKeys, 'public keys');
  let agg = G1.ZERO;
  publicKeys.forEach((b, i) => {
    const p = decodePublicKey(b);
    if (!p) throw invalidPoint('INVALID_PUBLIC_KEY', i);
    agg = agg.add(p);
  });
  return agg.is0() ? infinityEncoding('G1') : agg.toBytes(true);
}

/** PopProve over noble. Exported for the blst backend, whose binding fixes the DST. */
export function noblePopProve(secretKey: Uint8Array): Uint8Array {
  return signWithDst(secretKey, secretKeyToPublicKey(secretKey), BLS_DST_POP);
}

/** PopVerify over noble (see `noblePopProve`). */
export function noblePopVerify(publicKey: Uint8Array, proof: Uint8Array): boolean {
  return falseOnThrow(() => {
    const pk = decodePublicKey(publicKey);
    const sig = decodeG2(proof);
    return pk !== null && sig !== null && coreVerify(pk, publicKey, sig, BLS_DST_POP);
  });
}

/** The pure-TypeScript backend over @noble/curves `bls12_381` (min-pk: `longSignatures`). */
export const nobleBls: BlsBackend = Object.freeze({
  name: 'noble',
  secretKeyToPublicKey,
  sign: (secretKey: Uint8Array, message: Uint8Array) =>
    signWithDst(secretKey, message, BLS_DST_SIGNATURE),
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    falseOnThrow(() => {
      const pk = decodePublicKey(publicKey);
      const sig = decodeG2(signature);
      return pk !== null && sig !== null && coreVerify(pk, message, sig, BLS_DST_SIGNATURE);
    }),
  aggregateVerify: (pks: readonly Uint8Array[], msgs: readonly Uint8Array[], sig: Uint8Array) =>
    falseOnThrow(() => aggregateVerify(pks, msgs, sig)),
  fastAggregateVerify: (pks: readonly Uint8Array[], msg: Uint8Array, sig: Uint8Array) =>
    falseOnThrow(() => fastAggregateVerify(pks, msg, sig)),
  verifyBatch: (sets: readonly BlsSignatureSet[]) => falseOnThrow(() => verifyBatch(sets)),
  aggregateSignatures,
  aggregatePublicKeys,
  popProve: noblePopProve,
  popVerify: noblePopVerify,
  isValidPublicKey: (b: Uint8Array) => decodePublicKey(b) !== null,
  isValidG1Point: (b: Uint8Array) => decodeG1(b) !== null,
  isValidSignature: (b: Uint8Array) => decodeG2(b) !== null,
});
