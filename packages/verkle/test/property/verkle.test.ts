import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import fc from 'fast-check';
import {
  decodeExecutionWitnessJSON,
  deserializeMultiProof,
  tryDeserializeElement,
  VerkleError,
  VerkleTree,
} from '../../src/index.ts';

test('decoding random bytes as a point returns an element or undefined, never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (b) => {
      const p = tryDeserializeElement(b);
      assert.ok(p === undefined || b.length === 32);
    }),
    { numRuns: 300 },
  );
});

test('decoding random bytes as a multiproof throws only VerkleError', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ minLength: 576, maxLength: 576 }),
        fc.uint8Array({ maxLength: 600 }),
      ),
      (b) => {
        try {
          deserializeMultiProof(b);
        } catch (e) {
          assert.ok(e instanceof VerkleError, String(e));
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('decoding random JSON as a witness throws only VerkleError', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (j) => {
      try {
        decodeExecutionWitnessJSON(j);
      } catch (e) {
        assert.ok(e instanceof VerkleError, String(e));
      }
    }),
    { numRuns: 300 },
  );
});

test('the root does not depend on insertion order or on interleaved deletes', () => {
  const kv = fc.uniqueArray(
    fc.tuple(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
    ),
    { minLength: 1, maxLength: 6, selector: ([k]) => bytesToHex(k) },
  );
  fc.assert(
    fc.property(kv, fc.nat(), (pairs, seed) => {
      // Force shared stems/prefixes for some keys.
      for (let i = 1; i < pairs.length; i += 2)
        pairs[i]![0].set(pairs[0]![0].subarray(0, (seed % 31) + 1));
      const uniq = new Map(pairs.map(([k, v]) => [bytesToHex(k), [k, v] as const]));
      const a = new VerkleTree();
      for (const [k, v] of uniq.values()) a.insert(k, v);
      const b = new VerkleTree();
      const rev = [...uniq.values()].reverse();
      const extra = new Uint8Array(32).fill(seed & 0xff);
      b.insert(extra, extra);
      for (const [k, v] of rev) b.insert(k, v);
      if (!uniq.has(bytesToHex(extra))) b.delete(extra);
      else b.insert(extra, uniq.get(bytesToHex(extra))![1]);
      assert.equal(bytesToHex(a.rootCommitment()), bytesToHex(b.rootCommitment()));
    }),
    { numRuns: 15 },
  );
});

test('a mutated witness is rejected with a verdict or a VerkleError, never accepted or crashed', async () => {
  const {
    VerkleTree: T,
    createExecutionWitness,
    encodeExecutionWitnessJSON,
    checkExecutionWitnessPreState,
  } = await import('../../src/index.ts');
  const tree = new T();
  const keys: Uint8Array[] = [];
  for (let i = 0; i < 12; i++) {
    const k = new Uint8Array(32).map((_, j) => (i * 37 + j * (i + 3)) & 0xff);
    keys.push(k);
    tree.insert(k, k);
  }
  const root = tree.rootCommitment();
  const absent = new Uint8Array(32).fill(0xee);
  const base = JSON.stringify(
    encodeExecutionWitnessJSON(createExecutionWitness(tree, [...keys.slice(0, 3), absent])),
  );
  // Hex digits of the proof and of the current values. (A stem's digits are left alone: past
  // the proven depth, an absence proof is just as valid for the mutated stem.)
  const proofStart = base.indexOf('"verkleProof"');
  const digits: number[] = [];
  for (let i = 0; i < base.length; i++) {
    if (!/[0-9a-f]/.test(base[i]!)) continue;
    const open = base.lastIndexOf('"', i - 1);
    if (base.slice(open + 1, open + 3) !== '0x' || i < open + 3) continue;
    if (i > proofStart || base.slice(0, open).endsWith('"currentValue":')) digits.push(i);
  }
  fc.assert(
    fc.property(fc.nat(digits.length - 1), fc.integer({ min: 1, max: 15 }), (pick, delta) => {
      const at = digits[pick]!;
      const d = ((Number.parseInt(base[at]!, 16) + delta) % 16).toString(16);
      const mutated = base.slice(0, at) + d + base.slice(at + 1);
      let verdict: boolean;
      try {
        verdict = checkExecutionWitnessPreState(
          root,
          decodeExecutionWitnessJSON(JSON.parse(mutated)),
        ).valid;
      } catch (e) {
        assert.ok(e instanceof VerkleError, String(e));
        return;
      }
      assert.equal(verdict, false, `accepted a witness mutated at ${at}`);
    }),
    { numRuns: 12 },
  );
});
