import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { decodeTransaction, txid } from '@keel/bitcoin';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import {
  createCustomMiningJob,
  createMiningJob,
  encodeCoinbaseOutput,
  hashToBigInt,
  jobMerkleRoot,
  joinCoinbase,
  MAX_TARGET,
  type NewTemplate,
  splitOutputs,
  templateFromMessage,
  validateShare,
} from '../../src/index.ts';
import { arbPayload } from './arbitraries.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const arbOutput = fc
  .record({
    value: fc.bigInt({ min: 0n, max: 2_100_000_000_000_000n }),
    scriptPubKey: bytes(0, 60),
  })
  .map(encodeCoinbaseOutput);

const arbTemplate: fc.Arbitrary<NewTemplate> = fc.record({
  templateId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  futureTemplate: fc.boolean(),
  version: fc.integer({ min: 0, max: 0x7fffffff }),
  coinbaseTxVersion: fc.integer({ min: 1, max: 2 }),
  coinbasePrefix: bytes(2, 8),
  coinbaseTxInputSequence: fc.integer({ min: 0, max: 0xffffffff }),
  coinbaseTxValueRemaining: fc.bigInt({ min: 0n, max: 5_000_000_000n }),
  coinbaseTxOutputs: fc.array(arbOutput, { maxLength: 4 }),
  coinbaseTxLocktime: fc.integer({ min: 0, max: 0xffffffff }),
  merklePath: fc.array(bytes(32, 32), { maxLength: 6 }),
});

test('any template: the joined coinbase parses with @keel/bitcoin and carries every field', () => {
  fc.assert(
    fc.property(arbTemplate, bytes(0, 40), bytes(22, 22), (t, extranonce, payout) => {
      const job = createMiningJob({
        jobId: 1,
        template: t,
        poolOutputs: [{ value: t.coinbaseTxValueRemaining, scriptPubKey: payout }],
        extranonceLength: extranonce.length,
      });
      const raw = joinCoinbase(job.coinbaseTxPrefix, extranonce, job.coinbaseTxSuffix);
      const tx = decodeTransaction(raw);
      assert.equal(tx.version, t.coinbaseTxVersion);
      assert.deepEqual(
        tx.inputs[0]!.scriptSig,
        Uint8Array.from([...t.coinbasePrefix, ...extranonce]),
      );
      assert.equal(tx.inputs[0]!.sequence, t.coinbaseTxInputSequence);
      assert.equal(tx.locktime, t.coinbaseTxLocktime);
      assert.equal(tx.outputs.length, 1 + t.coinbaseTxOutputs.length);
      assert.equal(tx.outputs[0]!.value, t.coinbaseTxValueRemaining);
      for (const [i, o] of t.coinbaseTxOutputs.entries()) {
        assert.deepEqual(encodeCoinbaseOutput(tx.outputs[i + 1]!), o);
      }
      // The job's merkle root folds the real txid.
      let acc = txid(tx);
      for (const h of t.merklePath) acc = sha256dNode(acc, h);
      assert.deepEqual(jobMerkleRoot(job, extranonce), acc);
    }),
    { numRuns: 150 },
  );
});

/** sha256d(a ‖ b) through node:crypto, independent of @keel/crypto. */
function sha256dNode(a: Uint8Array, b: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(a).update(b).digest();
  return new Uint8Array(createHash('sha256').update(once).digest());
}

test('target boundary: a share is accepted iff hash ≤ target', () => {
  fc.assert(
    fc.property(arbTemplate, fc.nat(), (t, nonce) => {
      const job = createMiningJob({
        jobId: 1,
        template: { ...t, coinbaseTxOutputs: [] },
        poolOutputs: [],
        extranonceLength: 4,
      });
      const base = {
        job,
        prevHash: {
          prevHash: new Uint8Array(32),
          nbits: 0x207fffff,
          minNtime: 0,
          networkTarget: 0n,
        },
        share: { jobId: 1, nonce, ntime: 5, version: job.version },
        now: 5,
      };
      const channel = {
        extranoncePrefix: new Uint8Array(4),
        extranonceSize: 0,
        target: MAX_TARGET,
      };
      const v = validateShare({ ...base, channel });
      assert.ok(v.ok);
      const h = hashToBigInt(v.hash);
      assert.ok(validateShare({ ...base, channel: { ...channel, target: h } }).ok);
      if (h > 0n) {
        const r = validateShare({ ...base, channel: { ...channel, target: h - 1n } });
        assert.equal(r.ok, false);
        assert.equal(!r.ok && r.error, 'difficulty-too-low');
      }
      // Meeting the network target exactly makes it a block.
      const b = validateShare({
        ...base,
        channel,
        prevHash: { ...base.prevHash, networkTarget: h },
      });
      assert.ok(b.ok && b.class === 'block');
    }),
    { numRuns: 100 },
  );
});

test('fuzz: template/custom-job/output parsers only raise KeelErrors', () => {
  const keel = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!isKeelError(e)) throw e;
    }
  };
  fc.assert(
    fc.property(
      arbPayload('NewTemplate'),
      arbPayload('SetCustomMiningJob'),
      bytes(0, 80),
      fc.nat(5),
      (nt, cj, raw, n) => {
        keel(() => templateFromMessage(nt as never));
        keel(() => createCustomMiningJob(1, cj as never, 8));
        keel(() => splitOutputs(raw, n));
      },
    ),
    { numRuns: 500 },
  );
});
