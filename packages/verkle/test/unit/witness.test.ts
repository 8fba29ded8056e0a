import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import {
  checkExecutionWitnessPreState,
  createExecutionWitness,
  decodeExecutionWitnessJSON,
  ExtStatus,
  encodeExecutionWitnessJSON,
  executionWitnessSize,
  VerkleError,
  VerkleTree,
} from '../../src/index.ts';

const rng = new SeededRng('verkle-witness-unit');
const tree = new VerkleTree();
const keys: Uint8Array[] = [];
for (let i = 0; i < 60; i++) {
  const k = rng.bytes(32);
  keys.push(k);
  tree.insert(k, rng.bytes(32));
}
// Same stem, both halves (C1 and C2).
const sib = keys[0]!.slice();
sib[31] = (keys[0]![31]! + 128) % 256;
tree.insert(sib, rng.bytes(32));
const root = tree.rootCommitment();
// Absent keys of the three kinds: a missing suffix in a present stem, a stem next to another
// stem (absent-other), and an empty slot below the root (absent-empty).
const missingSuffix = keys[1]!.slice();
missingSuffix[31] = (missingSuffix[31]! + 1) % 256;
const otherStem = keys[2]!.slice();
otherStem[20] = otherStem[20]! ^ 0xff;
let emptySlot = rng.bytes(32);
while (keys.some((k) => k[0] === emptySlot[0])) emptySlot = rng.bytes(32);

const proveKeys = [keys[0]!, sib, keys[3]!, missingSuffix, otherStem, emptySlot];
const witness = createExecutionWitness(tree, proveKeys);
// biome-ignore lint/suspicious/noExplicitAny: JSON surgery in tests
type J = any;
const json = encodeExecutionWitnessJSON(witness) as J;

test('a witness for present and absent keys verifies statelessly and round-trips JSON', () => {
  const statuses = [...witness.verkleProof.depthExtensionPresent].map((b) => b & 3);
  assert.ok(statuses.includes(ExtStatus.PRESENT));
  assert.ok(statuses.includes(ExtStatus.ABSENT_OTHER));
  assert.ok(statuses.includes(ExtStatus.ABSENT_EMPTY));
  const decoded = decodeExecutionWitnessJSON(JSON.parse(JSON.stringify(json)));
  assert.deepEqual(checkExecutionWitnessPreState(root, decoded), { valid: true });
  assert.ok(executionWitnessSize(decoded).proof >= 576);
});

test('tampering with values, stems, statuses or the proof fails', () => {
  const mutate = (f: (j: J) => void): boolean => {
    const j: J = JSON.parse(JSON.stringify(json));
    f(j);
    try {
      return checkExecutionWitnessPreState(root, decodeExecutionWitnessJSON(j)).valid;
    } catch (e) {
      assert.ok(e instanceof VerkleError);
      return false;
    }
  };
  assert.equal(
    mutate(() => {}),
    true,
  );
  assert.equal(
    mutate((j) => (j.stateDiff[0].suffixDiffs[0].currentValue = `0x${'00'.repeat(32)}`)),
    false,
  );
  assert.equal(
    mutate((j) => (j.verkleProof.depthExtensionPresent = `0x${'12'.repeat(j.stateDiff.length)}`)),
    false,
  );
  assert.equal(
    mutate((j) => j.verkleProof.commitmentsByPath.reverse()),
    false,
  );
  assert.equal(
    mutate((j) => (j.verkleProof.d = j.verkleProof.ipaProof.cl[0])),
    false,
  );
  assert.equal(
    mutate((j) => (j.verkleProof.ipaProof.finalEvaluation = `0x${'01'.repeat(32)}`)),
    false,
  );
  assert.equal(
    mutate((j) => j.stateDiff.reverse()),
    false,
  );
  assert.equal(
    mutate((j) => j.verkleProof.otherStems.push(j.stateDiff[0].stem)),
    false,
  );
});

test('the witness does not verify against another root', () => {
  const other = new VerkleTree();
  other.insert(rng.bytes(32), rng.bytes(32));
  assert.equal(checkExecutionWitnessPreState(other.rootCommitment(), witness).valid, false);
  assert.equal(checkExecutionWitnessPreState(new Uint8Array(32).fill(0xff), witness).valid, false);
});

test('malformed and oversized JSON gives typed errors', () => {
  assert.throws(() => decodeExecutionWitnessJSON(null), VerkleError);
  assert.throws(() => decodeExecutionWitnessJSON({ stateDiff: 'x' }), VerkleError);
  const big = { ...json, stateDiff: new Array(20000).fill(json.stateDiff[0]) };
  assert.throws(
    () => decodeExecutionWitnessJSON(big),
    (e: unknown) => e instanceof VerkleError && /limit/.test(e.message),
  );
  assert.throws(
    () => decodeExecutionWitnessJSON({ ...json, verkleProof: { ...json.verkleProof, d: '0x12' } }),
    VerkleError,
  );
  assert.equal(bytesToHex(root).length, 64);
});
