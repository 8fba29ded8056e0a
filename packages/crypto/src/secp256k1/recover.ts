/**
 * ECDSA public-key recovery (Ethereum's sender recovery and ECRECOVER precompile), pluggable
 * like the ElligatorSwift multiplier: noble's by default; `accelerateEcdsaRecover()` installs
 * libsecp256k1 (the native N-API binding, else the WASM build), measured ~100× faster here.
 * Both answer identically: the signature is 64 bytes r‖s with r, s in [1, n-1] (no low-S rule —
 * callers that need EIP-2 check it), `recid` 0..3, `msg32` the 32-byte digest. The result is the
 * 65-byte uncompressed key, or null when nothing recovers (r is not an x coordinate, the point is
 * infinity, or an input is out of range). Never throws on bad input.
 */
import { secp256k1 as nobleCurve } from '@noble/curves/secp256k1.js';
import { N } from './_curve.ts';
import { loadNativeBinding, loadWasmBinding } from './libsecp256k1.ts';

export type EcdsaRecoverFn = (
  sig64: Uint8Array,
  recid: number,
  msg32: Uint8Array,
) => Uint8Array | null;

function scalarInRange(b: Uint8Array, off: number): boolean {
  let v = 0n;
  for (let i = off; i < off + 32; i++) v = (v << 8n) | BigInt(b[i]!);
  return v > 0n && v < N;
}

function validShape(sig64: Uint8Array, recid: number, msg32: Uint8Array): boolean {
  return (
    sig64 instanceof Uint8Array &&
    sig64.length === 64 &&
    msg32 instanceof Uint8Array &&
    msg32.length === 32 &&
    Number.isInteger(recid) &&
    recid >= 0 &&
    recid <= 3 &&
    scalarInRange(sig64, 0) &&
    scalarInRange(sig64, 32)
  );
}

/** noble's recovery (pure TS). */
export const nobleEcdsaRecover: EcdsaRecoverFn = (sig64, recid, msg32) => {
  if (!validShape(sig64, recid, msg32)) return null;
  try {
    const sig = nobleCurve.Signature.fromBytes(sig64, 'compact').addRecoveryBit(recid);
    return sig.recoverPublicKey(msg32).toBytes(false);
  } catch {
    return null;
  }
};

let current: EcdsaRecoverFn = nobleEcdsaRecover;
let currentName: 'noble' | 'libsecp256k1' = 'noble';

/** Recovers the signer's 65-byte uncompressed public key, or null (see the module comment). */
export function ecdsaRecover(
  sig64: Uint8Array,
  recid: number,
  msg32: Uint8Array,
): Uint8Array | null {
  return current(sig64, recid, msg32);
}

/** Which implementation `ecdsaRecover` uses now. */
export function ecdsaRecoverImplementation(): 'noble' | 'libsecp256k1' {
  return currentName;
}

/**
 * Makes `ecdsaRecover` use libsecp256k1 (native binding, else WASM). Returns false, changing
 * nothing, when neither loads.
 */
export async function accelerateEcdsaRecover(): Promise<boolean> {
  const impl = await loadLibsecp256k1Recover();
  if (impl === null) return false;
  current = impl;
  currentName = 'libsecp256k1';
  return true;
}

/** libsecp256k1's recovery with the same contract, or null when no binding loads. */
export async function loadLibsecp256k1Recover(): Promise<EcdsaRecoverFn | null> {
  const nat = loadNativeBinding() as
    | (ReturnType<typeof loadNativeBinding> & {
        ecdsaRecover(
          sig: Uint8Array,
          recid: number,
          msg32: Uint8Array,
          compressed: boolean,
        ): Uint8Array;
      })
    | null;
  if (nat !== null && typeof nat.ecdsaRecover === 'function') {
    return (sig64, recid, msg32) => {
      if (!validShape(sig64, recid, msg32)) return null;
      try {
        return nat.ecdsaRecover(sig64, recid, msg32, false);
      } catch {
        return null;
      }
    };
  }
  const tiny = (await loadWasmBinding()) as
    | (Awaited<ReturnType<typeof loadWasmBinding>> & {
        recover(
          h: Uint8Array,
          sig: Uint8Array,
          recid: 0 | 1 | 2 | 3,
          compressed?: boolean,
        ): Uint8Array | null;
      })
    | null;
  if (tiny === null) return null;
  return (sig64, recid, msg32) => {
    if (!validShape(sig64, recid, msg32)) return null;
    try {
      return tiny.recover(msg32, sig64, recid as 0 | 1 | 2 | 3, false);
    } catch {
      return null;
    }
  };
}
