import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobPool, BlobStore, defaultBlobPoolOptions } from '@keel/chain-node';
import { tempDir } from '@keel/test-utils';

describe('blob pool and retention options', () => {
  it('keeps the documented defaults', () => {
    assert.deepEqual(new BlobPool().opts, {
      maxTxs: 10_000,
      maxBlobs: 20_000,
      maxPerSender: 16,
      replaceBumpPercent: 100,
    });
    assert.deepEqual(defaultBlobPoolOptions, new BlobPool().opts);
  });

  it('refuses bad limits with a typed error naming the setting', () => {
    const cases: [Record<string, number>, RegExp][] = [
      [{ maxTxs: 0 }, /maxTxs must be an integer in 1\.\.1000000 \(got 0\)/],
      [{ maxBlobs: 1.5 }, /maxBlobs must be an integer/],
      [{ maxPerSender: -1 }, /maxPerSender/],
      [{ replaceBumpPercent: Number.NaN }, /replaceBumpPercent/],
      [{ maxBlobs: 5 }, /maxBlobs must be an integer in 6\.\.6000000 \(got 5\)/],
    ];
    for (const [o, re] of cases)
      assert.throws(
        () => new BlobPool(o),
        (e: Error & { code?: string }) =>
          e.code === 'ERR_CHAIN_INVALID_CONFIG' && re.test(e.message),
        JSON.stringify(o),
      );
  });

  it('refuses a retention window that is not a positive integer of blocks', () => {
    const dir = tempDir('keel-blob-opts-');
    try {
      for (const r of [0, -3, 2.5, 2 ** 41])
        assert.throws(
          () => new BlobStore(dir.path, r),
          (e: Error & { code?: string }) =>
            e.code === 'ERR_CHAIN_INVALID_CONFIG' && /blob retention/.test(e.message),
        );
    } finally {
      dir.cleanup();
    }
  });
});
