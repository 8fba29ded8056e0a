import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Secp256k1Backend } from '@keel/crypto';
import { sha256 } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { secp256k1Preference } from '@keel/test-utils';
import { bytesToHex, concatBytes } from '@keel/util';
import fc from 'fast-check';
import type { Transaction } from '../../src/primitives/transaction.ts';
import {
  ALL_SCRIPT_FLAGS,
  createTxSignatureChecker,
  decodeScriptNum,
  encodeScript,
  encodeScriptNum,
  isMinimalScriptNum,
  parseScript,
  SCRIPT_ERROR_NAMES,
  verifyScript,
} from '../../src/script/index.ts';

let backend: Secp256k1Backend;
before(async () => {
  backend = await loadSecp256k1Backend(secp256k1Preference());
});

test('parse/serialize round trip of arbitrary bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const { ops, ok } = parseScript(bytes);
      const again = encodeScript(ops);
      if (ok) assert.equal(bytesToHex(again), bytesToHex(bytes));
      else assert.equal(bytesToHex(again), bytesToHex(bytes.subarray(0, again.length)));
    }),
    { numRuns: 2000 },
  );
});

test('encoded chunks parse back to the same opcodes and data', () => {
  const chunk = fc.oneof(
    fc.integer({ min: 0x4f, max: 0xff }),
    fc.uint8Array({ maxLength: 80 }),
    fc.uint8Array({ minLength: 250, maxLength: 300 }),
  );
  fc.assert(
    fc.property(fc.array(chunk, { maxLength: 12 }), (chunks) => {
      const { ops, ok } = parseScript(encodeScript(chunks));
      assert.equal(ok, true);
      assert.equal(ops.length, chunks.length);
      ops.forEach((op, i) => {
        const c = chunks[i]!;
        if (typeof c === 'number') assert.equal(op.opcode, c);
        else if (op.data) assert.equal(bytesToHex(op.data), bytesToHex(c));
        else {
          // Minimal push of a 1-byte small number became OP_1..OP_16 / OP_1NEGATE.
          const n = op.opcode === 0x4f ? 0x81 : op.opcode - 0x50;
          assert.deepEqual([...c], [n]);
        }
      });
    }),
    { numRuns: 1000 },
  );
});

test('CScriptNum round trips within 5 bytes', () => {
  const max = 2 ** 39 - 1;
  fc.assert(
    fc.property(fc.integer({ min: -max, max }), (n) => {
      const b = encodeScriptNum(n);
      assert.ok(b.length <= 5);
      assert.ok(isMinimalScriptNum(b));
      assert.equal(decodeScriptNum(b, true, 5), n);
      if (Math.abs(n) <= 2 ** 31 - 1) assert.ok(b.length <= 4);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4 }), (b) => {
      const n = decodeScriptNum(b, false, 4);
      if (isMinimalScriptNum(b)) assert.equal(bytesToHex(encodeScriptNum(n)), bytesToHex(b));
      else assert.throws(() => decodeScriptNum(b, true, 4));
    }),
    { numRuns: 3000 },
  );
});

/** Script bytes biased towards real opcodes and small pushes. */
const scriptBytes = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 0x4f, max: 0xbb }).map((o) => Uint8Array.of(o)) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map((d) => encodeScript([d])) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => concatBytes(...parts));

const witnessArb = fc.array(fc.oneof(scriptBytes, fc.uint8Array({ maxLength: 70 })), {
  maxLength: 5,
});

test('the interpreter only returns verdicts, never throws', () => {
  const spkArb = (witness: Uint8Array[]) =>
    fc.oneof(
      scriptBytes,
      // P2WSH committing to the last witness item, so the witness script really runs.
      fc.constant(concatBytes(Uint8Array.of(0, 32), sha256(witness.at(-1) ?? new Uint8Array(0)))),
      fc
        .uint8Array({ minLength: 32, maxLength: 32 })
        .map((k) => concatBytes(Uint8Array.of(0x51, 32), k)),
      fc
        .uint8Array({ minLength: 20, maxLength: 20 })
        .map((k) => concatBytes(Uint8Array.of(0, 20), k)),
    );
  fc.assert(
    fc.property(
      scriptBytes,
      witnessArb.chain((w) => fc.tuple(fc.constant(w), spkArb(w))),
      fc.integer({ min: 0, max: ALL_SCRIPT_FLAGS }),
      (scriptSig, [witness, spk], flags) => {
        const tx: Transaction = {
          version: 2,
          inputs: [
            {
              prevout: { txid: new Uint8Array(32).fill(1), vout: 0 },
              scriptSig,
              sequence: 0,
              witness,
            },
          ],
          outputs: [{ value: 1n, scriptPubKey: new Uint8Array(0) }],
          locktime: 0,
        };
        const spent = [{ value: 2n, scriptPubKey: spk }];
        const checker = createTxSignatureChecker({
          tx,
          inputIndex: 0,
          amount: 2n,
          spentOutputs: spent,
          backend,
        });
        const v = verifyScript(scriptSig, spk, witness, flags & ALL_SCRIPT_FLAGS, checker);
        if (!v.ok) assert.ok(SCRIPT_ERROR_NAMES.includes(v.error), v.error);
      },
    ),
    { numRuns: 3000 },
  );
});
