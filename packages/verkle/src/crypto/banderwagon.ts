import { VerkleError, VerkleErrorCode } from '../errors.ts';
import {
  batchInvert,
  bytesToNumberBE,
  FP_MODULUS,
  Fp,
  FR_MODULUS,
  invert,
  legendreP,
  numberToBytesBE,
  sqrtP,
} from './field.ts';
import { BANDERSNATCH_A, BANDERSNATCH_D, ExtPoint } from './point.ts';

/**
 * A Banderwagon element: a Bandersnatch point standing for its class {P, P + (0,-1)} =
 * {(x, y), (-x, -y)}. Equality, encoding and the subgroup check below are Banderwagon's.
 */
export type Element = ExtPoint;

export const IDENTITY: Element = ExtPoint.ZERO;
export const GENERATOR: Element = ExtPoint.fromAffine(
  0x29c132cc2c0b34c5743711777bbe42f32b79c022ad998465e1e71866a252ae18n,
  0x2a6c669eda123e0f157d8b50badcd586358cad81eee464605e3167b6cc974166n,
);

function toAffine(p: Element): { x: bigint; y: bigint } {
  const zi = invert(p.Z, FP_MODULUS);
  return { x: Fp.mul(p.X, zi), y: Fp.mul(p.Y, zi) };
}

const HALF_P = (FP_MODULUS - 1n) / 2n;

function isLexLargest(y: bigint): boolean {
  return y > HALF_P;
}

/** Banderwagon equality: x1·y2 == x2·y1 (projective coordinates, Z cancels). */
export function elementEquals(a: Element, b: Element): boolean {
  return Fp.mul(a.X, b.Y) === Fp.mul(a.Y, b.X);
}

/** 32-byte compressed form: x (big-endian), negated when y is not lexicographically largest. */
export function serializeElement(p: Element): Uint8Array {
  const { x, y } = toAffine(p);
  return numberToBytesBE(isLexLargest(y) ? x : Fp.neg(x), 32);
}

export function serializeElements(ps: readonly Element[]): Uint8Array[] {
  const zInv = batchInvert(
    ps.map((p) => p.Z),
    FP_MODULUS,
  );
  return ps.map((p, i) => {
    const x = Fp.mul(p.X, zInv[i]!);
    const y = Fp.mul(p.Y, zInv[i]!);
    return numberToBytesBE(isLexLargest(y) ? x : Fp.neg(x), 32);
  });
}

/** 64-byte uncompressed form x ‖ y, both big-endian (go-ipa's BytesUncompressed). */
export function serializeElementUncompressed(p: Element): Uint8Array {
  const { x, y } = toAffine(p);
  const out = new Uint8Array(64);
  out.set(numberToBytesBE(x, 32), 0);
  out.set(numberToBytesBE(y, 32), 32);
  return out;
}

/** 64-byte x ‖ y, both little-endian (rust-verkle's uncompressed commitment form). */
export function serializeElementUncompressedLE(p: Element): Uint8Array {
  const { x, y } = toAffine(p);
  const out = new Uint8Array(64);
  out.set(numberToBytesBE(x, 32).reverse(), 0);
  out.set(numberToBytesBE(y, 32).reverse(), 32);
  return out;
}

/** Decodes x ‖ y (little-endian, 64 bytes) without checks: for trusted, self-produced bytes only. */
export function deserializeElementUncompressedLETrusted(b: Uint8Array): Element {
  if (!(b instanceof Uint8Array) || b.length !== 64) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, 'uncompressed point must be 64 bytes');
  }
  const x = bytesToNumberBE(b.slice(0, 32).reverse());
  const y = bytesToNumberBE(b.slice(32, 64).reverse());
  return ExtPoint.fromAffine(x, y);
}

/**
 * Decodes the 32-byte compressed form: canonical x < p, in the Banderwagon subgroup
 * (1 - a·x² a non-zero square), and on the curve (y² = (1 - a·x²)/(1 - d·x²) has a root; the
 * lexicographically largest is taken). Returns undefined for anything else.
 */
export function tryDeserializeElement(bytes: Uint8Array): Element | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) return undefined;
  const x = bytesToNumberBE(bytes);
  if (x >= FP_MODULUS) return undefined;
  const x2 = Fp.sqr(x);
  const num = Fp.sub(1n, Fp.mul(BANDERSNATCH_A, x2));
  // The subgroup check first: it is one exponentiation and rejects half of all x.
  if (legendreP(num) !== 1) return undefined;
  const den = Fp.sub(1n, Fp.mul(BANDERSNATCH_D, x2));
  if (den === 0n) return undefined;
  const root = sqrtP(Fp.mul(num, invert(den, FP_MODULUS)));
  if (root === undefined) return undefined;
  return ExtPoint.fromAffine(x, isLexLargest(root) ? root : Fp.neg(root));
}

/** As tryDeserializeElement, but throws a VerkleError naming `what`. */
export function deserializeElement(bytes: Uint8Array, what = 'point'): Element {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, `${what} must be 32 bytes`);
  }
  const p = tryDeserializeElement(bytes);
  if (p === undefined) {
    throw new VerkleError(
      VerkleErrorCode.INVALID_POINT,
      `${what} is not a canonical Banderwagon element (not on the curve or not in the subgroup)`,
    );
  }
  return p;
}

/** map_to_scalar_field: x/y in Fp, read as an integer and reduced mod the group order. */
export function mapToScalarField(p: Element): bigint {
  return Fp.mul(p.X, invert(p.Y, FP_MODULUS)) % FR_MODULUS;
}

/** mapToScalarField for many points with one inversion. */
export function batchMapToScalarField(ps: readonly Element[]): bigint[] {
  const yInv = batchInvert(
    ps.map((p) => p.Y),
    FP_MODULUS,
  );
  return ps.map((p, i) => Fp.mul(p.X, yInv[i]!) % FR_MODULUS);
}
