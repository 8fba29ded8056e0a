import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressOf,
  decodePayload,
  decodeTx,
  encodePayload,
  MAX_TX_BYTES,
  verifyTxSignature,
} from '@keel/chain-node';
import { ed25519, sha256 } from '@keel/crypto';
import { BufferWriter, bytesToHex, DecodeError, utf8ToBytes } from '@keel/util';
import { account, CHAIN, transfer } from '../helpers.ts';

describe('transactions', () => {
  it('encodes the documented layout and signs SHA-256("keel/tx/v1" ‖ body) with Ed25519', () => {
    const a = account(1);
    const raw = transfer(1, 2, 7n, 3n, 5n);
    // Independent recomputation of the layout and the signing payload.
    const pk = ed25519.getPublicKey(a.secretKey);
    const body = new BufferWriter(160)
      .u8(1)
      .u8(1)
      .varBytes(utf8ToBytes(CHAIN))
      .bytes(pk)
      .bytes(Buffer.from(account(2).address, 'hex'))
      .u64le(5n)
      .u64le(3n)
      .u64le(7n)
      .finish();
    assert.equal(bytesToHex(raw.subarray(0, body.length)), bytesToHex(body));
    const msg = sha256(new Uint8Array([...utf8ToBytes('keel/tx/v1'), ...body]));
    assert.ok(ed25519.verify(raw.subarray(body.length), msg, pk));
    const tx = decodeTx(raw);
    assert.equal(tx.fromHex, a.address);
    assert.equal(bytesToHex(addressOf(pk)), bytesToHex(sha256(pk).subarray(0, 20)));
    assert.equal(tx.hashHex, bytesToHex(sha256(raw)));
    assert.equal(tx.amount, 5n);
    assert.equal(tx.fee, 3n);
    assert.equal(tx.nonce, 7n);
    assert.ok(verifyTxSignature(tx));
  });

  it('detects any flipped bit in the signed part', () => {
    const raw = transfer(1, 2, 0n);
    for (const i of [0, 5, 20, 60, 80, raw.length - 65]) {
      const bad = raw.slice();
      bad[i]! ^= 1;
      let ok = false;
      try {
        ok = verifyTxSignature(decodeTx(bad));
      } catch (e) {
        assert.ok(e instanceof DecodeError);
      }
      assert.equal(ok, false, `bit flip at ${i}`);
    }
  });

  it('refuses malformed bytes with DecodeError', () => {
    const raw = transfer(1, 2, 0n);
    assert.throws(() => decodeTx(raw.subarray(0, raw.length - 1)), DecodeError);
    assert.throws(() => decodeTx(new Uint8Array([...raw, 0])), DecodeError);
    assert.throws(() => decodeTx(new Uint8Array(MAX_TX_BYTES + 1)), /limit/);
    const v2 = raw.slice();
    v2[0] = 2;
    assert.throws(() => decodeTx(v2), /version/);
  });

  it('round-trips payloads and copies Buffer inputs', () => {
    const txs = [transfer(1, 2, 0n), transfer(2, 3, 0n)];
    const enc = encodePayload(123456, txs);
    const buf = Buffer.from(enc);
    const p = decodePayload(buf, 10);
    buf.fill(0);
    assert.equal(p.timestamp, 123456);
    assert.deepEqual(
      p.txs.map((t) => bytesToHex(t.raw)),
      txs.map(bytesToHex),
    );
    assert.ok(p.txs.every(verifyTxSignature), 'decoded transactions do not alias the input');
    assert.throws(() => decodePayload(enc, 1), DecodeError);
  });
});
