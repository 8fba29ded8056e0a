import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  sipHashKeyFromBytes,
  sipHashKeyFromU64,
  sipHashUint256,
  sipHashUint256Extra,
  sipHashUint256Low32,
  sipHashUint256Low48,
  siphash24,
  siphash24U64,
} from '../../src/siphash/siphash.ts';

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;

/** A deliberately naive BigInt SipHash-2-4 straight from the paper, as an independent reference. */
function referenceSipHash(key: Uint8Array, msg: Uint8Array): bigint {
  const u64 = (b: Uint8Array, i: number) => {
    let r = 0n;
    for (let j = 7; j >= 0; j--) r = (r << 8n) | BigInt(b[i + j] ?? 0);
    return r;
  };
  const k0 = u64(key, 0);
  const k1 = u64(key, 8);
  const v = [
    k0 ^ 0x736f6d6570736575n,
    k1 ^ 0x646f72616e646f6dn,
    k0 ^ 0x6c7967656e657261n,
    k1 ^ 0x7465646279746573n,
  ];
  const round = () => {
    v[0] = (v[0]! + v[1]!) & M64;
    v[1] = rotl(v[1]!, 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2]! + v[3]!) & M64;
    v[3] = rotl(v[3]!, 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & M64;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & M64;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const padded = new Uint8Array(Math.floor(msg.length / 8) * 8 + 8);
  padded.set(msg);
  padded[padded.length - 1] = msg.length & 0xff;
  for (let i = 0; i < padded.length; i += 8) {
    const m = u64(padded, i);
    v[3]! ^= m;
    round();
    round();
    v[0]! ^= m;
  }
  v[2]! ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v[0]! ^ v[1]! ^ v[2]! ^ v[3]!;
}

function keyBytes(k0: bigint, k1: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, k0, true);
  dv.setBigUint64(8, k1, true);
  return out;
}

const u64 = fc.bigInt({ min: 0n, max: M64 });
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('generic SipHash-2-4 equals a naive BigInt reference (lengths 0..100)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ maxLength: 100 }),
      (key, msg) => {
        const expected = referenceSipHash(key, msg);
        assert.equal(siphash24U64(key, msg), expected);
        const bytes = siphash24(key, msg);
        assert.equal(new DataView(bytes.buffer).getBigUint64(0, true), expected);
      },
    ),
    { numRuns: 300 },
  );
});

test('a message longer than 255 bytes wraps the length byte mod 256', () => {
  const key = new Uint8Array(16).map((_, i) => i);
  for (const len of [255, 256, 257, 300, 1000]) {
    const msg = new Uint8Array(len).map((_, i) => (i * 7) & 0xff);
    assert.equal(siphash24U64(key, msg), referenceSipHash(key, msg), `len ${len}`);
  }
});

test('sipHashUint256 equals the generic function over the 32 bytes', () => {
  fc.assert(
    fc.property(u64, u64, hash32, (k0, k1, h) => {
      const generic = siphash24U64(keyBytes(k0, k1), h);
      assert.equal(sipHashUint256(k0, k1, h), generic);
      const key = sipHashKeyFromU64(k0, k1);
      assert.deepEqual(key, sipHashKeyFromBytes(keyBytes(k0, k1)));
      assert.equal(sipHashUint256(key, undefined, h), generic);
      assert.equal(sipHashUint256Low32(key, h), Number(generic & 0xffffffffn));
      assert.equal(sipHashUint256Low48(key, h), Number(generic & 0xffffffffffffn));
    }),
    { numRuns: 300 },
  );
});

test('sipHashUint256Extra equals the generic function over hash ‖ LE32(extra)', () => {
  fc.assert(
    fc.property(u64, u64, hash32, fc.nat({ max: 0xffffffff }), (k0, k1, h, extra) => {
      const msg = new Uint8Array(36);
      msg.set(h);
      new DataView(msg.buffer).setUint32(32, extra, true);
      const generic = siphash24U64(keyBytes(k0, k1), msg);
      assert.equal(generic, referenceSipHash(keyBytes(k0, k1), msg));
      assert.equal(sipHashUint256Extra(k0, k1, h, extra), generic);
      const key = sipHashKeyFromU64(k0, k1);
      assert.equal(sipHashUint256Low48(key, h, extra), Number(generic & 0xffffffffffffn));
    }),
    { numRuns: 300 },
  );
});
