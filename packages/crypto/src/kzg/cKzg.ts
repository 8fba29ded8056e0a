import type * as CKzg from 'c-kzg';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { createKzgBackend } from './_internal.ts';
import type { KzgBackend } from './types.ts';

type CKzgModule = typeof CKzg;

let loading: Promise<KzgBackend> | undefined;

/**
 * The `c-kzg` backend: ethereum/c-kzg-4844's Node binding (native, blst underneath) with its
 * bundled mainnet trusted setup. The setup is process-wide in c-kzg and takes seconds to load,
 * so the backend is created once per process. Throws CryptoError BACKEND_UNAVAILABLE when the
 * package or its binary is missing.
 */
export function loadCKzgBackend(): Promise<KzgBackend> {
  loading ??= load().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

async function load(): Promise<KzgBackend> {
  let mod: CKzgModule;
  try {
    const imported = (await import('c-kzg')) as CKzgModule & { default?: CKzgModule };
    mod = imported.default ?? imported;
    try {
      mod.loadTrustedSetup(0);
    } catch (e) {
      // Another part of the process loaded it first: c-kzg keeps one setup per process.
      if (!(e instanceof Error && /already loaded/.test(e.message))) throw e;
    }
  } catch (e) {
    throw new CryptoError(
      CryptoErrorCode.BACKEND_UNAVAILABLE,
      `KZG backend 'c-kzg' unavailable: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return createKzgBackend('c-kzg', {
    blobToKzgCommitment: (blob) => mod.blobToKzgCommitment(blob),
    computeKzgProof: (blob, z) => mod.computeKzgProof(blob, z),
    computeBlobKzgProof: (blob, c) => mod.computeBlobKzgProof(blob, c),
    verifyKzgProof: (c, z, y, p) => mod.verifyKzgProof(c, z, y, p),
    verifyBlobKzgProof: (blob, c, p) => mod.verifyBlobKzgProof(blob, c, p),
    verifyBlobKzgProofBatch: (blobs, cs, ps) => mod.verifyBlobKzgProofBatch(blobs, cs, ps),
  });
}
