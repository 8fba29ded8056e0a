import { sha256 } from '@keel/crypto/hashes';
import { utf8ToBytes } from '@keel/util';
import { type Element, tryDeserializeElement } from './banderwagon.ts';
import { bytesToNumberBE, FP_MODULUS, numberToBytesBE } from './field.ts';

/** EIP-6800: the CRS seed. */
export const CRS_SEED = 'eth_verkle_oct_2021';
export const VECTOR_WIDTH = 256;

let cached: readonly Element[] | undefined;

/**
 * The 256 Pedersen generators: for i = 0, 1, … hash SHA-256(seed ‖ u64be(i)), reduce into Fp,
 * and keep the point when its big-endian encoding decodes as a Banderwagon element (on the
 * curve and in the subgroup), until 256 are found. Computed once, on first use.
 */
export function getCRS(): readonly Element[] {
  if (cached !== undefined) return cached;
  const seed = utf8ToBytes(CRS_SEED);
  const buf = new Uint8Array(seed.length + 8);
  buf.set(seed, 0);
  const view = new DataView(buf.buffer);
  const points: Element[] = [];
  for (let i = 0; points.length < VECTOR_WIDTH; i++) {
    view.setBigUint64(seed.length, BigInt(i), false);
    const x = bytesToNumberBE(sha256(buf)) % FP_MODULUS;
    const p = tryDeserializeElement(numberToBytesBE(x, 32));
    if (p !== undefined) points.push(p);
  }
  cached = Object.freeze(points);
  return cached;
}
