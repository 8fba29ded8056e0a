import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Transaction, TxOut } from '../../src/primitives/transaction.ts';
import { Opcode as O } from '../../src/script/opcodes.ts';
import { encodeScript } from '../../src/script/script.ts';
import {
  countP2SHSigOps,
  countScriptSigOps,
  countWitnessSigOps,
  legacySigOpCount,
  transactionSigOpCost,
} from '../../src/script/sigops.ts';

const key = new Uint8Array(33).fill(2);
const h20 = new Uint8Array(20).fill(7);
const h32 = new Uint8Array(32).fill(9);
const p2pkh = encodeScript([O.OP_DUP, O.OP_HASH160, h20, O.OP_EQUALVERIFY, O.OP_CHECKSIG]);
const multisig1of3 = encodeScript([O.OP_1, key, key, key, O.OP_3, O.OP_CHECKMULTISIG]);
const multisig2of2 = encodeScript([O.OP_2, key, key, O.OP_2, O.OP_CHECKMULTISIG]);
const p2sh = encodeScript([O.OP_HASH160, h20, O.OP_EQUAL]);
const p2wpkh = encodeScript([O.OP_0, h20]);
const p2wsh = encodeScript([O.OP_0, h32]);
const p2tr = encodeScript([O.OP_1, h32]);

test('countScriptSigOps: CHECKSIG(VERIFY) count 1, CHECKMULTISIG 20 unless accurate', () => {
  assert.equal(countScriptSigOps(p2pkh, false), 1);
  assert.equal(countScriptSigOps(encodeScript([O.OP_CHECKSIGVERIFY, O.OP_CHECKSIG]), false), 2);
  assert.equal(countScriptSigOps(multisig1of3, false), 20);
  assert.equal(countScriptSigOps(multisig1of3, true), 3);
  // accurate counting needs OP_1..OP_16 right before; a pushed number does not count
  const pushedN = Uint8Array.of(0x01, 0x03, O.OP_CHECKMULTISIGVERIFY); // non-minimal push of 3
  assert.equal(countScriptSigOps(pushedN, true), 20);
  // CHECKSIGADD is a tapscript opcode and is not a legacy sigop
  assert.equal(countScriptSigOps(Uint8Array.of(O.OP_CHECKSIGADD), false), 0);
});

test('countScriptSigOps: stops at a truncated push', () => {
  const s = Uint8Array.of(O.OP_CHECKSIG, 0x4c); // PUSHDATA1 without its length
  assert.equal(countScriptSigOps(s, false), 1);
  const t = Uint8Array.of(0x05, 0xac, 0xac); // a 5-byte push that runs off the end
  assert.equal(countScriptSigOps(t, false), 0);
});

test('countP2SHSigOps: the redeem script (last push of a push-only scriptSig), accurately', () => {
  const sig = encodeScript([O.OP_0, new Uint8Array(71), multisig2of2]);
  assert.equal(countP2SHSigOps(p2sh, sig), 2);
  // not push-only: zero
  const notPush = Uint8Array.of(O.OP_NOP, ...encodeScript([multisig2of2]));
  assert.equal(countP2SHSigOps(p2sh, notPush), 0);
});

test('countWitnessSigOps: P2WPKH 1, P2WSH its script, nested P2SH, taproot 0', () => {
  assert.equal(countWitnessSigOps(new Uint8Array(0), p2wpkh, [new Uint8Array(71), key]), 1);
  assert.equal(countWitnessSigOps(new Uint8Array(0), p2wsh, [new Uint8Array(0), multisig2of2]), 2);
  assert.equal(countWitnessSigOps(new Uint8Array(0), p2wsh, []), 0);
  const nested = encodeScript([p2wpkh]);
  assert.equal(countWitnessSigOps(nested, p2sh, [new Uint8Array(71), key]), 1);
  assert.equal(countWitnessSigOps(new Uint8Array(0), p2tr, [new Uint8Array(64)]), 0);
  assert.equal(countWitnessSigOps(new Uint8Array(0), p2pkh, []), 0);
});

function spend(scriptSig: Uint8Array, witness: Uint8Array[], outputs: TxOut[]): Transaction {
  return {
    version: 2,
    inputs: [{ prevout: { txid: h32, vout: 0 }, scriptSig, sequence: 0, witness }],
    outputs,
    locktime: 0,
  };
}

test('transactionSigOpCost: legacy ×4, P2SH ×4 with P2SH, witness ×1 with WITNESS', () => {
  const out: TxOut = { value: 1n, scriptPubKey: p2pkh }; // 1 legacy sigop
  const sig = encodeScript([O.OP_0, multisig2of2]);
  const tx = spend(sig, [], [out]);
  assert.equal(legacySigOpCount(tx), 1);
  const spent = [{ value: 5n, scriptPubKey: p2sh }];
  assert.equal(transactionSigOpCost(tx, spent, { p2sh: false, witness: false }), 4);
  assert.equal(transactionSigOpCost(tx, spent, { p2sh: true, witness: false }), 4 + 8);
  const wtx = spend(new Uint8Array(0), [new Uint8Array(0), multisig2of2], [out]);
  const wspent = [{ value: 5n, scriptPubKey: p2wsh }];
  assert.equal(transactionSigOpCost(wtx, wspent, { p2sh: true, witness: false }), 4);
  assert.equal(transactionSigOpCost(wtx, wspent, { p2sh: true, witness: true }), 4 + 2);
});

test('transactionSigOpCost: a coinbase counts only its legacy sigops', () => {
  const cb: Transaction = {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: Uint8Array.of(O.OP_CHECKSIG, O.OP_CHECKSIG),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 1n, scriptPubKey: multisig1of3 }],
    locktime: 0,
  };
  assert.equal(transactionSigOpCost(cb, [], { p2sh: true, witness: true }), (2 + 20) * 4);
});
