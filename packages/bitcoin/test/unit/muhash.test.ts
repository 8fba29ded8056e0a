import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { test } from 'node:test';
import { bytesToHex, isKeelError, SeededRng } from '@keel/util';
import {
  coinHashBytes,
  MUHASH_PRIME,
  MuHash3072,
  muhashElement,
} from '../../src/consensus/muhash.ts';

/** Core's test helper FromInt(i): a 32-byte string {i, 0, 0, …}. */
const fromInt = (i: number) => {
  const b = new Uint8Array(32);
  b[0] = i;
  return b;
};
/** uint256 display hex (as Core's uint256S literals) of a raw 32-byte hash. */
const display = (raw: Uint8Array) => bytesToHex(raw.slice().reverse());

// Independent reference: OpenSSL's ChaCha20 (16-byte IV = u32 LE counter ‖ 96-bit nonce),
// node's SHA-256, BigInt arithmetic with plain `%` and a Fermat inverse.
function refElement(data: Uint8Array): bigint {
  const key = createHash('sha256').update(data).digest();
  const c = createCipheriv('chacha20', key, Buffer.alloc(16));
  const ks = Buffer.concat([c.update(Buffer.alloc(384)), c.final()]);
  return BigInt(`0x${Buffer.from(ks).reverse().toString('hex')}`);
}
function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
function refFinalize(inserted: Uint8Array[], removed: Uint8Array[]): string {
  const p = MUHASH_PRIME;
  let num = 1n;
  let den = 1n;
  for (const d of inserted) num = (num * refElement(d)) % p;
  for (const d of removed) den = (den * refElement(d)) % p;
  const x = (num * modPow(den, p - 2n, p)) % p;
  const le = Buffer.from(x.toString(16).padStart(768, '0'), 'hex').reverse();
  return createHash('sha256').update(le).digest('hex');
}

test('modulus is 2^3072 - 1103717', () => {
  assert.equal(MUHASH_PRIME.toString(2).length, 3072);
  assert.equal((1n << 3072n) - MUHASH_PRIME, 1103717n);
});

test("Core muhash_tests: FromInt(0)*FromInt(1)/FromInt(2) (Core's published value)", () => {
  const acc = new MuHash3072().insert(fromInt(0)).insert(fromInt(1)).remove(fromInt(2));
  assert.equal(
    display(acc.finalize()),
    '10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863',
  );
  // same via combine/divide of single-element accumulators (Core's `*=`/`/=`)
  const a = new MuHash3072().insert(fromInt(0));
  a.combine(new MuHash3072().insert(fromInt(1)));
  a.divide(new MuHash3072().insert(fromInt(2)));
  assert.equal(
    display(a.finalize()),
    '10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863',
  );
});

test("empty set finalizes to Core's initial_state_hash (fuzz/muhash.cpp)", () => {
  assert.equal(
    display(new MuHash3072().finalize()),
    'dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8',
  );
});

test('Core muhash_tests: serialization of FromInt(1)*FromInt(2) starts as ser_exp', () => {
  const ser = new MuHash3072().insert(fromInt(1)).insert(fromInt(2)).serialize();
  // Core's ser_exp: the numerator little-endian (384 bytes), then denominator = 1
  assert.equal(
    bytesToHex(ser.subarray(0, 384)),
    '1fa093295ea30a6a3acdc7b3f770fa538eff537528e990e2910e40bbcfd7f6696b1256901929094694b56316de342f593303' +
      'dd12ac43e06dce1be1ff8301c845beb15468fff0ef002dbf80c29f26e6452bccc91b5cb9437ad410d2a67ea847887fa3c6' +
      'a6553309946880fe20db2c73fe0641adbd4e86edfee0d9f8cd0ee1230898873dc13ed8ddcaf045c80faa082774279007a2' +
      '253f8922ee3ef361d378a6af3ddaf180b190ac97e556888c36b3d1fb1c85aab9ccd46e3deaeb7b7cf5db067a7e9ff86b65' +
      '8cf3acd6662bbcce37232daa753c48b794356c020090c831a8304416e2aa7ad633c0ddb2f11be1be316a81be7f7e472071' +
      'c042cb68faef549c221ebff209273638b741aba5a81675c45a5fa92fea4ca821d7a324cb1e1a2ccd3b76c4228ec8066dad' +
      '2a5df6e1bd0de45c7dd5de8070bdb46db6c554cf9aefc9b7b2bbf9f75b1864d9f95005314593905c0109b71f703d49944a' +
      'e94477b51dac10a816bb6d1c700bafabc8bd86fac8df24be519a2f2836b16392e18036cb13e48c5c',
  );
  assert.equal(bytesToHex(ser.subarray(384)), `01${'00'.repeat(383)}`);
  const back = MuHash3072.deserialize(ser);
  assert.deepEqual(
    back.finalize(),
    new MuHash3072().insert(fromInt(1)).insert(fromInt(2)).finalize(),
  );
});

test('Core muhash_tests: overflow (numerator 0xff×384 ≥ modulus, denominator 1)', () => {
  const blob = new Uint8Array(768);
  blob.fill(0xff, 0, 384);
  blob[384] = 1;
  assert.equal(
    bytesToHex(MuHash3072.deserialize(blob).finalize()),
    '3a31e6903aff0de9f62f9a9f7f8b861de76ce2cda09822b90014319ae5dc2271',
  );
});

test('element expansion equals OpenSSL ChaCha20 keystream of SHA256(data)', () => {
  const rng = new SeededRng(7);
  for (let i = 0; i < 20; i++) {
    const d = rng.bytes(rng.range(0, 100));
    assert.equal(muhashElement(d), refElement(d));
  }
});

test('random insert/remove sets equal an independent BigInt recomputation', () => {
  const rng = new SeededRng(11);
  for (let round = 0; round < 5; round++) {
    const ins = Array.from({ length: rng.range(0, 12) }, () => rng.bytes(rng.range(1, 80)));
    const rem = Array.from({ length: rng.range(0, 6) }, () => rng.bytes(rng.range(1, 80)));
    const m = new MuHash3072();
    for (const d of ins) m.insert(d);
    for (const d of rem) m.remove(d);
    assert.equal(bytesToHex(m.finalize()), refFinalize(ins, rem));
  }
});

test('order independence and insert-then-remove cancels (Core muhash_tests loop)', () => {
  const empty = bytesToHex(new MuHash3072().finalize());
  const x = new MuHash3072().insert(fromInt(3));
  const y = new MuHash3072().insert(fromInt(9));
  const z = new MuHash3072().combine(x).combine(y);
  y.combine(x);
  z.divide(y);
  assert.equal(bytesToHex(z.finalize()), empty);
  const a = new MuHash3072().insert(fromInt(1)).insert(fromInt(2)).remove(fromInt(3));
  const b = new MuHash3072().remove(fromInt(3)).insert(fromInt(2)).insert(fromInt(1));
  assert.deepEqual(a.finalize(), b.finalize());
});

test('coinHashBytes is TxOutSer: outpoint, height*2+coinbase, value, script', () => {
  const txid = new Uint8Array(32).fill(0xab);
  const bytes = coinHashBytes(
    { txid, vout: 5 },
    { value: 5000000000n, scriptPubKey: Uint8Array.of(0x51, 0x52), height: 170, coinbase: true },
  );
  assert.equal(
    bytesToHex(bytes),
    // txid, vout 5, 170·2+1 = 341, 50 BTC, script length 2 and bytes
    ['ab'.repeat(32), '05000000', '55010000', '00f2052a01000000', '025152'].join(''),
  );
});

test('deserialize rejects wrong sizes and a zero denominator with KeelErrors', () => {
  for (const b of [new Uint8Array(0), new Uint8Array(767), new Uint8Array(768)]) {
    assert.throws(
      () => MuHash3072.deserialize(b),
      (e) => isKeelError(e),
    );
  }
});
