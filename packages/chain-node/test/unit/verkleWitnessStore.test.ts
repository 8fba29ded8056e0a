import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '@keel/test-utils';
import { type StoredWitness, WitnessStore } from '../../src/storage/witnessStore.ts';

const rec = (n: number): StoredWitness => ({
  number: n,
  hash: n.toString(16).padStart(64, '0'),
  parentStateRoot: 'aa'.repeat(32),
  stateRoot: 'bb'.repeat(32),
  keys: 2,
  stems: 1,
  proofBytes: 576,
  witnessBytes: 700,
  executionWitness: n % 3 === 0 ? null : { stateDiff: [], verkleProof: { n } },
});

describe('verkle witness store', () => {
  it('keeps witnesses for the retention window and prunes behind it', async () => {
    const dir = tempDir('keel-witness-store-');
    const s = new WitnessStore(dir.path, 4);
    try {
      for (let n = 1; n <= 10; n++) {
        await s.put(rec(n));
        await s.prune(n);
      }
      // tip 10, retention 4: blocks 1..6 are gone, 7..10 kept (with their hash index).
      for (let n = 1; n <= 6; n++) assert.equal(s.get(n), null, `block ${n} pruned`);
      for (let n = 7; n <= 10; n++) {
        assert.deepEqual(s.get(n), rec(n));
        assert.equal(s.heightOf(rec(n).hash), n);
      }
      assert.equal(s.heightOf(rec(3).hash), null);
      assert.equal(s.prunedThrough(10), 6);
    } finally {
      await s.close();
      dir.cleanup();
    }
  });

  it('refuses a bad retention', () => {
    assert.throws(() => new WitnessStore('/nonexistent', 0), /witness retention/);
    assert.throws(() => new WitnessStore('/nonexistent', 1.5), /witness retention/);
  });
});
