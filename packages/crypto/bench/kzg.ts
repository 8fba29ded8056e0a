import { type BenchHarness, SeededRng } from '@keel/util';
import { BYTES_PER_BLOB, type KzgBackend, loadKzgBackend } from '../src/kzg/index.ts';

/** Cancun's MAX_BLOB_GAS_PER_BLOCK / GAS_PER_BLOB: a full block's blobs. */
const BLOCK_BLOBS = 6;

interface Fixture {
  blobs: Uint8Array[];
  commitments: Uint8Array[];
  proofs: Uint8Array[];
  z: Uint8Array;
  y: Uint8Array;
  zProof: Uint8Array;
}

/** Deterministic full blobs (canonical field elements); both backends produce the same bytes. */
function fixture(kzg: KzgBackend): Fixture {
  const rng = new SeededRng('keel kzg bench');
  const blobs = Array.from({ length: BLOCK_BLOBS }, () => {
    const blob = rng.bytes(BYTES_PER_BLOB);
    for (let at = 0; at < BYTES_PER_BLOB; at += 32) blob[at] = (blob[at] as number) % 0x73;
    return blob;
  });
  const commitments = blobs.map((b) => kzg.blobToKzgCommitment(b));
  const proofs = blobs.map((b, i) => kzg.computeBlobKzgProof(b, commitments[i] as Uint8Array));
  const z = rng.bytes(32);
  z[0] = 0x11;
  const { proof: zProof, y } = kzg.computeKzgProof(blobs[0] as Uint8Array, z);
  return { blobs, commitments, proofs, z, y, zProof };
}

function ops(f: Fixture): [string, (k: KzgBackend) => unknown][] {
  const blob = f.blobs[0] as Uint8Array;
  const commitment = f.commitments[0] as Uint8Array;
  const proof = f.proofs[0] as Uint8Array;
  return [
    [
      'kzg verifyKzgProof (point evaluation)',
      (k) => k.verifyKzgProof(commitment, f.z, f.y, f.zProof),
    ],
    ['kzg verifyBlobKzgProof', (k) => k.verifyBlobKzgProof(blob, commitment, proof)],
    [
      `kzg verifyBlobKzgProofBatch ${BLOCK_BLOBS} blobs`,
      (k) => k.verifyBlobKzgProofBatch(f.blobs, f.commitments, f.proofs),
    ],
    ['kzg blobToKzgCommitment', (k) => k.blobToKzgCommitment(blob)],
  ];
}

/** `keel bench crypto` KZG rows: ops/s per backend; node-eth-kzg rows carry c-kzg as the anchor. */
export async function benchKzg(h: BenchHarness): Promise<void> {
  const loaded: Partial<Record<KzgBackend['name'], KzgBackend>> = {};
  for (const name of ['c-kzg', 'node-eth-kzg'] as const) {
    try {
      loaded[name] = await loadKzgBackend(name);
    } catch (e) {
      h.log(`kzg: ${name} unavailable (${(e as Error).message})`);
    }
  }
  const anchor = loaded['c-kzg'];
  const other = loaded['node-eth-kzg'];
  const any = anchor ?? other;
  if (!any) return;
  const f = fixture(any);
  for (const [metric, run] of ops(f)) {
    if (run(any) === false) h.log(`kzg: ${metric} fixture did not verify`);
    const anchorValue = anchor ? h.opsPerSecond(() => run(anchor)) : undefined;
    if (anchorValue !== undefined) {
      h.report({ bench: 'crypto', metric: `${metric} [c-kzg]`, value: anchorValue, unit: 'ops/s' });
    }
    if (!other) continue;
    h.report({
      bench: 'crypto',
      metric: `${metric} [node-eth-kzg]`,
      value: h.opsPerSecond(() => run(other)),
      unit: 'ops/s',
      ...(anchorValue !== undefined ? { anchor: `${metric} [c-kzg]`, anchorValue } : {}),
    });
  }
}
