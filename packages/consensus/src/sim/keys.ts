import { sha256 } from '@keel/crypto';
import { BufferWriter, utf8ToBytes } from '@keel/util';
import type { SignatureScheme } from '../signatureScheme.ts';

export interface SimKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Key material is a pure function of the index, so it is derived once and shared by runs. */
const cache = new Map<number, SimKey>();

/**
 * The BLS key pair of simulated validator `i`: a SHA-256-derived scalar with the top bits
 * cleared so it is below the BLS12-381 group order (never zero in practice; checked).
 */
export function simKey(scheme: SignatureScheme, i: number): SimKey {
  let k = cache.get(i);
  if (!k) {
    const secretKey = sha256(
      new BufferWriter(40).bytes(utf8ToBytes('keel/sim/bls/')).u32le(i).finish(),
    );
    secretKey[0]! &= 0x3f;
    k = { secretKey, publicKey: scheme.secretKeyToPublicKey(secretKey) };
    cache.set(i, k);
  }
  return k;
}
