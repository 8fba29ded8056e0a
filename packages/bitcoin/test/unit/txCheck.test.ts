import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTransaction } from '../../src/consensus/checkTransaction.ts';
import { MAX_MONEY } from '../../src/primitives/limits.ts';
import type { Transaction, TxIn } from '../../src/primitives/transaction.ts';

function input(fill: number, vout = 0, scriptSig = new Uint8Array(0)): TxIn {
  return {
    prevout: { txid: new Uint8Array(32).fill(fill), vout },
    scriptSig,
    sequence: 0xffffffff,
    witness: [],
  };
}

function tx(over: Partial<Transaction> = {}): Transaction {
  return {
    version: 2,
    inputs: [input(1)],
    outputs: [{ value: 1000n, scriptPubKey: Uint8Array.of(0x51) }],
    locktime: 0,
    ...over,
  };
}

const reason = (t: Transaction) => {
  const r = checkTransaction(t);
  return r.ok ? 'ok' : r.reason;
};

describe('checkTransaction (Core reject reasons)', () => {
  test('a plain transaction passes', () => {
    assert.equal(reason(tx()), 'ok');
  });

  test('empty vin / vout', () => {
    assert.equal(reason(tx({ inputs: [] })), 'bad-txns-vin-empty');
    assert.equal(reason(tx({ outputs: [] })), 'bad-txns-vout-empty');
    assert.equal(reason(tx({ inputs: [], outputs: [] })), 'bad-txns-vin-empty');
  });

  test('oversize: stripped size x4 above the block weight limit', () => {
    const big = { value: 0n, scriptPubKey: new Uint8Array(1_000_000) };
    assert.equal(reason(tx({ outputs: [big] })), 'bad-txns-oversize');
    const fits = { value: 0n, scriptPubKey: new Uint8Array(999_000 - 100) };
    assert.equal(reason(tx({ outputs: [fits] })), 'ok');
  });

  test('output values', () => {
    const out = (value: bigint) => ({ value, scriptPubKey: new Uint8Array(0) });
    assert.equal(reason(tx({ outputs: [out(-1n)] })), 'bad-txns-vout-negative');
    assert.equal(reason(tx({ outputs: [out(MAX_MONEY + 1n)] })), 'bad-txns-vout-toolarge');
    assert.equal(reason(tx({ outputs: [out(MAX_MONEY)] })), 'ok');
    assert.equal(
      reason(tx({ outputs: [out(MAX_MONEY), out(1n)] })),
      'bad-txns-txouttotal-toolarge',
    );
    assert.equal(reason(tx({ outputs: [out(0n), out(-1n)] })), 'bad-txns-vout-negative');
  });

  test('duplicate inputs (CVE-2018-17144)', () => {
    assert.equal(reason(tx({ inputs: [input(1, 3), input(1, 3)] })), 'bad-txns-inputs-duplicate');
    assert.equal(reason(tx({ inputs: [input(1, 3), input(1, 4)] })), 'ok');
  });

  test('coinbase scriptSig length 2..100', () => {
    const cb = (n: number) => tx({ inputs: [input(0, 0xffffffff, new Uint8Array(n))] });
    assert.equal(reason(cb(1)), 'bad-cb-length');
    assert.equal(reason(cb(2)), 'ok');
    assert.equal(reason(cb(100)), 'ok');
    assert.equal(reason(cb(101)), 'bad-cb-length');
  });

  test('null prevout outside a coinbase', () => {
    const t = tx({ inputs: [input(1), input(0, 0xffffffff, new Uint8Array(5))] });
    assert.equal(reason(t), 'bad-txns-prevout-null');
    // Only an all-zero hash with index 0xffffffff is null.
    assert.equal(reason(tx({ inputs: [input(1), input(0, 0)] })), 'ok');
  });
});
