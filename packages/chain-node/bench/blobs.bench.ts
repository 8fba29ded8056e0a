import { createHash } from 'node:crypto';
import { BlobPool, verifySidecar } from '@keel/chain-node';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { type BlobTxParts, splitBlobNetworkForm, txSender } from '@keel/ledger';
import type { BenchHarness, BenchMain } from '@keel/util';
import { bytesToHex } from '@keel/util';
import { bytesToHex as hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const B = 'blobs';

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function blob(seed: number): Uint8Array {
  const b = new Uint8Array(131_072);
  for (let i = 0; i < 4096; i++) {
    const h = createHash('sha256').update(`${seed}:${i}`).digest();
    b.set(h.subarray(0, 31), i * 32 + 1);
  }
  return b;
}

/** Real signed blob transactions (viem) in network form, split for the pool. */
async function signedBlobTxs(kzg: KzgBackend, n: number, blobsEach: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const sk = createHash('sha256').update(`keel/bench/blob/${i}`).digest('hex');
    const account = privateKeyToAccount(`0x${sk}`);
    const raw = await account.signTransaction({
      chainId: 1337,
      type: 'eip4844',
      nonce: 0,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 1000n + BigInt(i),
      blobs: Array.from({ length: blobsEach }, (_, j) => hex(blob(i * 8 + j))),
      kzg: {
        blobToKzgCommitment: (b) => kzg.blobToKzgCommitment(b),
        computeBlobKzgProof: (b, c) => kzg.computeBlobKzgProof(b, c),
      },
    });
    out.push(new Uint8Array(Buffer.from(raw.slice(2), 'hex')));
  }
  return out;
}

function filler(i: number): BlobTxParts {
  return {
    wrapped: new Uint8Array([0x45]),
    hash: new Uint8Array(createHash('sha256').update(`fill${i}`).digest()),
    nonce: BigInt(Math.floor(i / 1000)),
    maxFeePerGas: 10n ** 10n,
    maxFeePerBlobGas: 1n,
    versionedHashes: [new Uint8Array(32)],
    blobs: [],
    commitments: [],
    proofs: [],
  };
}

async function verification(h: BenchHarness, txs: Uint8Array[], name: string) {
  const kzgs: [string, KzgBackend][] = [];
  for (const b of ['c-kzg', 'node-eth-kzg'] as const) {
    try {
      kzgs.push([b, await loadKzgBackend(b)]);
    } catch (e) {
      h.log(`${b} not available: ${(e as Error).message}`);
    }
  }
  const parts = txs.map((t) => splitBlobNetworkForm(t));
  const blobs = parts.reduce((n, p) => n + p.blobs.length, 0);
  const rates = kzgs.map(([b, kzg]) => {
    let i = 0;
    const ops = h.opsPerSecond(() => verifySidecar(kzg, parts[i++ % parts.length]!), { ms: 2000 });
    return { b, blobsPerSec: (ops * blobs) / parts.length };
  });
  const main = rates[0];
  if (!main) return;
  h.report({
    bench: B,
    metric: `kzg_verify_blobs_per_s_${name}_${main.b}`,
    value: Math.round(main.blobsPerSec),
    unit: 'blobs/s',
    ...(rates[1]
      ? { anchor: `${rates[1].b} (same run)`, anchorValue: Math.round(rates[1].blobsPerSec) }
      : {}),
  });
}

/**
 * Blob verification per second (versioned hashes + batch KZG, both backends, 1 and 6 blobs per
 * transaction) and blob pool admission p50/p95 at 10k pending blob transactions (decode of the
 * network form, sidecar check, sender, pool rules).
 */
export const main: BenchMain = async (h) => {
  const kzg = await loadKzgBackend('auto');
  const n = Math.max(4, Math.round(16 * h.scale));
  h.log(`signing ${n} one-blob and ${Math.max(2, n / 4)} six-blob transactions`);
  const one = await signedBlobTxs(kzg, n, 1);
  const six = await signedBlobTxs(kzg, Math.max(2, n / 4), 6);
  await verification(h, one, '1blob');
  await verification(h, six, '6blob');
  const pending = Math.max(1000, Math.round(10_000 * h.scale));
  const pool = new BlobPool({ maxTxs: pending + 10, maxBlobs: pending * 6, maxPerSender: 16 });
  for (let i = 0; i < pending; i++) pool.add(filler(i), `f${i % 1000}`);
  const times: number[] = [];
  for (let rep = 0; rep < 4; rep++) {
    for (const raw of one) {
      const t0 = performance.now();
      const p = splitBlobNetworkForm(raw);
      verifySidecar(kzg, p);
      const from = bytesToHex(txSender(p.wrapped).from);
      pool.add(p, from);
      times.push(performance.now() - t0);
      pool.remove(bytesToHex(p.hash));
    }
  }
  times.sort((a, b) => a - b);
  h.report({
    bench: B,
    metric: `pool_admission_p50_at_${pending}`,
    value: pct(times, 50),
    unit: 'ms',
  });
  h.report({
    bench: B,
    metric: `pool_admission_p95_at_${pending}`,
    value: pct(times, 95),
    unit: 'ms',
  });
};
