import { type Ed25519, ed25519 } from '@keel/crypto';
import type { TxLimits } from '../params.ts';
import { txSigningPayload } from './encoding.ts';
import type { SignedTx, UnsignedTx } from './types.ts';

/** Signs with a 32-byte ed25519 seed; `tx.from` must be that seed's public key. */
export function signTx(
  tx: UnsignedTx,
  seed: Uint8Array,
  opts: { ed25519?: Ed25519; limits?: TxLimits } = {},
): SignedTx {
  const signature = (opts.ed25519 ?? ed25519).sign(txSigningPayload(tx, opts.limits), seed);
  return { ...tx, signature };
}

/** Strict ed25519 verification of the signature against `tx.from`. */
export function verifyTxSignature(
  tx: SignedTx,
  opts: { ed25519?: Ed25519; limits?: TxLimits } = {},
): boolean {
  return (opts.ed25519 ?? ed25519).verify(tx.signature, txSigningPayload(tx, opts.limits), tx.from);
}

/** The account address of a 32-byte ed25519 seed (its public key). */
export function addressFromSeed(seed: Uint8Array, engine: Ed25519 = ed25519): Uint8Array {
  return engine.getPublicKey(seed);
}
