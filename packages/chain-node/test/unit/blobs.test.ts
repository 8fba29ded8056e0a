import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { BlobPool, BlobStore, decodeRecord, encodeRecord, verifySidecar } from '@keel/chain-node';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { type BlobTxParts, isBlobNetworkForm, splitBlobNetworkForm } from '@keel/ledger';
import { tempDir } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import { bytesToHex as hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const BLOB = 131_072;

/** A blob of ERC-20 transfer calldata packed 31 bytes per field element (a rollup batch). */
function rollupLikeBlob(seed: number): Uint8Array {
  const senders = Array.from({ length: 64 }, (_, i) =>
    createHash('sha256').update(`addr${i}`).digest().subarray(0, 20),
  );
  const data: number[] = [];
  let x = seed;
  while (data.length < 4096 * 31) {
    x = (x * 1103515245 + 12345) >>> 0;
    data.push(0xa9, 0x05, 0x9c, 0xbb, ...new Uint8Array(12), ...senders[x % 64]!);
    const amount = new Uint8Array(32);
    amount[28] = (x >>> 8) & 0xff;
    amount[29] = (x >>> 16) & 0xff;
    amount[31] = x & 0xff;
    data.push(...amount);
  }
  const blob = new Uint8Array(BLOB);
  for (let i = 0; i < 4096; i++) blob.set(data.slice(i * 31, i * 31 + 31), i * 32 + 1);
  return blob;
}

function randomBlob(seed: number): Uint8Array {
  const blob = new Uint8Array(BLOB);
  for (let i = 0; i < 4096; i++) {
    const h = createHash('sha256').update(`${seed}:${i}`).digest();
    blob.set(h.subarray(0, 31), i * 32 + 1);
  }
  return blob;
}

function fakeParts(n: number, nonce: bigint, fee: bigint, blobFee: bigint, tag = 0): BlobTxParts {
  const h = createHash('sha256').update(`${n}:${nonce}:${fee}:${blobFee}:${tag}`).digest();
  return {
    wrapped: new Uint8Array([0x45, 3]),
    hash: new Uint8Array(h),
    nonce,
    maxFeePerGas: fee,
    maxFeePerBlobGas: blobFee,
    versionedHashes: Array.from({ length: n }, () => new Uint8Array(32)),
    blobs: [],
    commitments: [],
    proofs: [],
  };
}

describe('blob sidecars', () => {
  let kzg: KzgBackend;
  let parts: BlobTxParts;

  before(async () => {
    kzg = await loadKzgBackend('auto');
    const account = privateKeyToAccount(`0x${'22'.repeat(32)}`);
    const raw = await account.signTransaction({
      chainId: 1337,
      type: 'eip4844',
      nonce: 0,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 10n,
      blobs: [hex(rollupLikeBlob(1)), hex(randomBlob(2))],
      kzg: {
        blobToKzgCommitment: (b) => kzg.blobToKzgCommitment(b),
        computeBlobKzgProof: (b, c) => kzg.computeBlobKzgProof(b, c),
      },
    });
    const bytes = new Uint8Array(Buffer.from(raw.slice(2), 'hex'));
    assert.ok(isBlobNetworkForm(bytes));
    parts = splitBlobNetworkForm(bytes);
  });

  it('verifies versioned hashes and the batch KZG proof; refuses tampering', () => {
    verifySidecar(kzg, parts);
    const blob = parts.blobs[0]!.slice();
    blob[100]! ^= 1;
    assert.throws(
      () => verifySidecar(kzg, { ...parts, blobs: [blob, parts.blobs[1]!] }),
      /KZG proofs do not verify/,
    );
    assert.throws(
      () =>
        verifySidecar(kzg, {
          ...parts,
          commitments: [parts.commitments[1]!, parts.commitments[0]!],
        }),
      /versioned hash does not match/,
    );
    assert.throws(
      () => verifySidecar(kzg, { ...parts, proofs: [parts.proofs[0]!] }),
      /sidecar has 2 blobs/,
    );
    // the canonical form is the ledger transaction, the network form is not
    assert.equal(parts.wrapped[0], 0x45);
    assert.equal(isBlobNetworkForm(parts.wrapped.subarray(1)), false);
  });

  it('pool: a replacement must raise both fee caps by 100 %; per-sender and size limits', () => {
    const pool = new BlobPool({ maxTxs: 3, maxBlobs: 100, maxPerSender: 2 });
    assert.equal(pool.add(fakeParts(1, 0n, 100n, 10n), 'a').status, 'added');
    assert.throws(() => pool.add(fakeParts(1, 0n, 300n, 19n), 'a'), /underpriced/);
    assert.throws(() => pool.add(fakeParts(1, 0n, 199n, 50n), 'a'), /underpriced/);
    const r = pool.add(fakeParts(1, 0n, 200n, 20n), 'a');
    assert.equal(r.status, 'replaced');
    assert.equal(pool.size, 1);
    pool.add(fakeParts(1, 1n, 100n, 10n), 'a');
    assert.throws(() => pool.add(fakeParts(1, 2n, 100n, 10n), 'a'), /2 pending blob transactions/);
    // full (3 txs): the lowest blob fee cap is evicted for a better one, a worse one is refused
    pool.add(fakeParts(1, 0n, 100n, 5n), 'b');
    assert.equal(pool.size, 3);
    assert.throws(() => pool.add(fakeParts(1, 0n, 100n, 4n), 'c'), /blob pool full/);
    assert.equal(pool.add(fakeParts(1, 0n, 100n, 30n), 'c').status, 'added');
    assert.equal(pool.size, 3);
    assert.equal(pool.has(bytesToHex(fakeParts(1, 0n, 100n, 5n).hash)), false);
  });

  it('store: sidecars by block, LRU reads, compression where it helps, pruning after the window', async () => {
    const dir = tempDir('keel-blobstore-');
    const store = new BlobStore(dir.path, 10, 2);
    try {
      const side = { ...parts, txHash: bytesToHex(parts.hash) };
      await store.put(5, [side]);
      const got = store.get(side.txHash)!;
      assert.deepEqual(got.blobs, parts.blobs);
      assert.deepEqual(got.proofs, parts.proofs);
      assert.equal(store.byBlock(5).length, 1);
      assert.equal(store.byBlock(6).length, 0);
      assert.equal(await store.prune(15), 0);
      assert.equal(await store.prune(16), 1);
      assert.equal(store.get(side.txHash), null);
      // compression: zero and rollup-like blobs shrink, random field elements are kept raw
      const ratio = (b: Uint8Array) =>
        BLOB /
        (encodeRecord({
          ...side,
          blobs: [b],
          versionedHashes: [side.versionedHashes[0]!],
          commitments: [side.commitments[0]!],
          proofs: [side.proofs[0]!],
        }).length -
          130);
      const zero = ratio(new Uint8Array(BLOB));
      const rollup = ratio(rollupLikeBlob(7));
      const random = ratio(randomBlob(9));
      assert.ok(zero > 50, `zero blob ratio ${zero}`);
      assert.ok(rollup > 1.5, `rollup-like blob ratio ${rollup}`);
      assert.equal(random, 1);
      console.log(
        `# compression: zero ${zero.toFixed(0)}x, rollup-like ${rollup.toFixed(2)}x, random ${random.toFixed(2)}x`,
      );
      const rec = encodeRecord(side);
      assert.deepEqual(decodeRecord(side.txHash, rec).blobs, parts.blobs);
      assert.throws(() => decodeRecord(side.txHash, rec.subarray(0, 300)), /undecodable/);
    } finally {
      await store.close();
      dir.cleanup();
    }
  });
});
