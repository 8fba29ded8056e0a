import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTransaction, txid } from '@keel/bitcoin';
import { bytesToHex, concatBytes } from '@keel/util';
import {
  createMiningJob,
  declaredCoinbaseParts,
  encodeCoinbaseOutput,
  joinCoinbase,
  parseDeclaredCoinbase,
  poolCoinbaseOutputs,
  StratumErrorCode,
  valuePaidTo,
} from '../../src/index.ts';

const commitment = Uint8Array.from([
  0x6a,
  0x24,
  0xaa,
  0x21,
  0xa9,
  0xed,
  ...new Uint8Array(32).fill(3),
]);
const payout = Uint8Array.from([0x00, 0x14, ...new Array(20).fill(0x22)]);

function job(witness: boolean) {
  return createMiningJob({
    jobId: 1,
    template: {
      templateId: 1n,
      futureTemplate: false,
      version: 0x20000000,
      coinbaseTxVersion: 2,
      coinbasePrefix: Uint8Array.of(0x02, 0x66, 0x00),
      coinbaseTxInputSequence: 0xfffffffe,
      coinbaseTxValueRemaining: 5_000_000_000n,
      coinbaseTxOutputs: witness
        ? [encodeCoinbaseOutput({ value: 0n, scriptPubKey: commitment })]
        : [],
      coinbaseTxLocktime: 7,
      merklePath: [],
    },
    poolOutputs: [{ value: 5_000_000_000n, scriptPubKey: payout }],
    extranonceLength: 16,
  });
}

test('DeclareMiningJob coinbase keeps BIP141 fields; @keel/bitcoin decodes it to the job coinbase', () => {
  const j = job(true);
  const { prefix, suffix } = declaredCoinbaseParts(j);
  const en = new Uint8Array(16).fill(9);
  const full = decodeTransaction(concatBytes(prefix, en, suffix));
  // Witness form: one input whose witness is the 32-byte reserved value.
  assert.deepEqual(full.inputs[0]!.witness, [new Uint8Array(32)]);
  assert.equal(full.locktime, 7);
  assert.equal(full.inputs[0]!.sequence, 0xfffffffe);
  // Same txid as the stripped form the miners hash.
  assert.equal(
    bytesToHex(txid(full)),
    bytesToHex(txid(decodeTransaction(joinCoinbase(j.coinbaseTxPrefix, en, j.coinbaseTxSuffix)))),
  );
  const cb = parseDeclaredCoinbase(prefix, suffix);
  assert.equal(cb.witness, true);
  assert.equal(cb.outputs.length, 2);
  assert.equal(valuePaidTo(cb.outputs, payout), 5_000_000_000n);
  assert.equal(valuePaidTo(cb.outputs, commitment), 0n);
  // outputsField = CompactSize(2) ‖ outputs, as SetCustomMiningJob carries them.
  assert.equal(cb.outputsField[0], 2);
  assert.equal(cb.outputsField.length, 1 + cb.outputs[0]!.length + cb.outputs[1]!.length);
  // Non-witness jobs are declared unchanged.
  const nj = job(false);
  assert.deepEqual(declaredCoinbaseParts(nj), {
    prefix: nj.coinbaseTxPrefix,
    suffix: nj.coinbaseTxSuffix,
  });
  assert.equal(parseDeclaredCoinbase(nj.coinbaseTxPrefix, nj.coinbaseTxSuffix).witness, false);
  // Trailing bytes after the locktime are refused.
  assert.throws(
    () => parseDeclaredCoinbase(prefix, concatBytes(suffix, Uint8Array.of(0))),
    (e: unknown) => (e as { code?: string }).code === StratumErrorCode.MALFORMED,
  );
});

test('poolCoinbaseOutputs: one 0-sat output to the payout script (06 §6.4.3)', () => {
  const f = poolCoinbaseOutputs(payout);
  assert.equal(bytesToHex(f), `01${'00'.repeat(8)}16${bytesToHex(payout)}`);
});
