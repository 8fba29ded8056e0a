import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ed25519 } from '@keel/crypto';
import { DecodeError, hexToBytes } from '@keel/util';
import {
  decodeTx,
  decodeTxList,
  encodeTx,
  encodeTxList,
  encodeUnsignedTx,
  type SignedTx,
  TX_SIGNING_DOMAIN,
  txHash,
  txSignatureChecks,
  txSigningPayload,
  verifyTxSignature,
} from '../../src/index.ts';
import { alice, bob, CHAIN_ID, sampleTxs } from '../helpers.ts';

describe('transaction encoding', () => {
  test('round trips every kind', () => {
    for (const t of sampleTxs()) {
      const b = encodeTx(t);
      assert.deepEqual(decodeTx(b), t);
      assert.deepEqual(encodeTx(decodeTx(b)), b);
    }
  });

  test('transfer layout, byte by byte (README "Signing payload")', () => {
    const t = sampleTxs()[0]!;
    const le = (v: bigint, n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return out;
    };
    const expected = Buffer.concat([
      Buffer.from([1, CHAIN_ID.length]),
      Buffer.from(CHAIN_ID, 'ascii'),
      Buffer.from([0]),
      alice.address,
      le(0n, 8),
      le(1_000_000n, 8),
      le(1n, 16),
      bob.address,
      le(12345n, 16),
    ]);
    assert.deepEqual(encodeUnsignedTx(t), new Uint8Array(expected));
    assert.deepEqual(
      txSigningPayload(t),
      new Uint8Array(Buffer.concat([Buffer.from('keel/tx/v1'), expected])),
    );
    assert.deepEqual(TX_SIGNING_DOMAIN, new Uint8Array(Buffer.from('keel/tx/v1')));
    const full = encodeTx(t);
    assert.equal(full.length, expected.length + 64);
    assert.ok(ed25519.verify(full.subarray(expected.length), txSigningPayload(t), alice.address));
    assert.deepEqual(txHash(t), new Uint8Array(createHash('sha256').update(full).digest()));
  });

  test('signature verification catches any change', () => {
    for (const t of sampleTxs()) {
      assert.ok(verifyTxSignature(t));
      assert.ok(!verifyTxSignature({ ...t, nonce: t.nonce + 1n }));
      assert.ok(!verifyTxSignature({ ...t, chainId: 'other' }));
      assert.ok(!verifyTxSignature({ ...t, from: bob.address }));
    }
  });

  test('decoder rejects malformed bytes with DecodeError', () => {
    const b = encodeTx(sampleTxs()[2]!);
    for (let n = 0; n < b.length; n++)
      assert.throws(() => decodeTx(b.subarray(0, n)), DecodeError, `truncated at ${n}`);
    assert.throws(() => decodeTx(new Uint8Array([...b, 0])), /trailing/);
    const bad = (i: number, v: number, re: RegExp) => {
      const c = b.slice();
      c[i] = v;
      assert.throws(() => decodeTx(c), re);
    };
    bad(0, 2, /unknown transaction version 2/);
    bad(1, 0, /chain id length 0/);
    bad(1, 40, /chain id length 40/);
    bad(2, 0x20, /printable ASCII/);
    bad(2 + CHAIN_ID.length, 9, /unknown transaction kind 9/);
  });

  test('declared lengths are checked against limits before allocating', () => {
    // a deploy whose code length field says 4 GiB - 1
    const t = sampleTxs()[1]!;
    const b = encodeTx(t);
    const at = 2 + CHAIN_ID.length + 1 + 32 + 8 + 8 + 16;
    b.set([0xff, 0xff, 0xff, 0xff], at);
    assert.throws(() => decodeTx(b), /code length 4294967295 exceeds 524288/);
    assert.throws(() => decodeTx(new Uint8Array(700 * 1024)), /over the 614400 limit/);
  });

  test('encoder refuses out-of-range fields', () => {
    const t = sampleTxs()[0]!;
    assert.throws(() => encodeTx({ ...t, amount: 1n << 128n } as SignedTx), /u128/);
    assert.throws(() => encodeTx({ ...t, nonce: -1n }), /u64/);
    assert.throws(() => encodeTx({ ...t, gasLimit: 1.5 }), /gasLimit/);
    assert.throws(() => encodeTx({ ...t, chainId: '' }), /chain id/);
    assert.throws(() => encodeTx({ ...t, to: hexToBytes('00') } as SignedTx), /to must be 32/);
  });
});

describe('block payloads and signature checks', () => {
  test('tx list round trip, bounded decoding', () => {
    const txs = sampleTxs();
    const payload = encodeTxList(txs);
    const back = decodeTxList(payload);
    assert.deepEqual(
      back.map((b) => decodeTx(b)),
      txs,
    );
    assert.deepEqual(decodeTxList(encodeTxList([])), []);
    assert.throws(() => decodeTxList(Uint8Array.of(0xff, 0xff, 0xff, 0x7f)), /claims/);
    assert.throws(() => decodeTxList(payload.subarray(0, payload.length - 1)), DecodeError);
    assert.throws(() => decodeTxList(new Uint8Array([...payload, 0])), /trailing/);
    assert.throws(() => decodeTxList(payload, { maxTxs: 2 }), /claims 5/);
    const big = Uint8Array.of(1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff);
    assert.throws(() => decodeTxList(big), /over 614400/);
  });

  test('signature checks are the ones verifyTxSignature performs', () => {
    const txs = sampleTxs();
    const checks = txSignatureChecks(txs.map((t) => encodeTx(t)));
    assert.equal(checks.length, txs.length);
    for (const c of checks) {
      assert.ok(ed25519.verify(c.signature, c.message, c.publicKey));
      assert.deepEqual(c.message, txSigningPayload(txs[c.index]!));
    }
  });
});
