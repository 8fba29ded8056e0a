import type * as NodeEthKzg from '@crate-crypto/node-eth-kzg';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { createKzgBackend } from './_internal.ts';
import type { KzgBackend } from './types.ts';

type NodeEthKzgModule = typeof NodeEthKzg;

let loading: Promise<KzgBackend> | undefined;

/**
 * The `node-eth-kzg` backend: crate-crypto/rust-eth-kzg through its napi binding
 * (@crate-crypto/node-eth-kzg 0.10.0). Its EIP-4844 functions live on `DasContextJs` beside the
 * PeerDAS cell functions; the context embeds the mainnet trusted setup. Created once per
 * process (building the context takes seconds). Throws CryptoError BACKEND_UNAVAILABLE when the
 * package or its binary is missing.
 */
export function loadNodeEthKzgBackend(): Promise<KzgBackend> {
  loading ??= load().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

async function load(): Promise<KzgBackend> {
  let ctx: NodeEthKzg.DasContextJs;
  try {
    const imported = (await import('@crate-crypto/node-eth-kzg')) as NodeEthKzgModule & {
      default?: NodeEthKzgModule;
    };
    const mod = imported.DasContextJs ? imported : (imported.default ?? imported);
    // No precomputed tables: they speed up cell proofs (PeerDAS), not EIP-4844 verification.
    ctx = mod.DasContextJs.create({ usePrecomp: false });
  } catch (e) {
    throw new CryptoError(
      CryptoErrorCode.BACKEND_UNAVAILABLE,
      `KZG backend 'node-eth-kzg' unavailable: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return createKzgBackend('node-eth-kzg', {
    blobToKzgCommitment: (blob) => ctx.blobToKzgCommitment(blob),
    computeKzgProof: (blob, z) => {
      const [proof, y] = ctx.computeKzgProof(blob, z);
      return [proof as Uint8Array, y as Uint8Array];
    },
    computeBlobKzgProof: (blob, c) => ctx.computeBlobKzgProof(blob, c),
    verifyKzgProof: (c, z, y, p) => ctx.verifyKzgProof(c, z, y, p),
    verifyBlobKzgProof: (blob, c, p) => ctx.verifyBlobKzgProof(blob, c, p),
    verifyBlobKzgProofBatch: (blobs, cs, ps) => ctx.verifyBlobKzgProofBatch(blobs, cs, ps),
  });
}
