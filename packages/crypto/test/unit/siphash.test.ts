import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { CryptoErrorCode } from '../../src/errors.ts';
import {
  sipHashKeyFromU64,
  sipHashUint256,
  sipHashUint256Extra,
  siphash24,
  siphash24U64,
} from '../../src/siphash/siphash.ts';

const isCode = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

test('SipHash paper Appendix A: key 00..0f, message 00..0e', () => {
  const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
  const msg = hexToBytes('000102030405060708090a0b0c0d0e');
  // The paper prints the result as the uint64 a129ca6149be45e5.
  assert.equal(siphash24U64(key, msg), 0xa129ca6149be45e5n);
  assert.equal(bytesToHex(siphash24(key, msg)), 'e545be4961ca29a1');
});

test('key and input validation', () => {
  assert.throws(
    () => siphash24(new Uint8Array(15), new Uint8Array(0)),
    isCode(CryptoErrorCode.INVALID_LENGTH),
  );
  assert.throws(() => sipHashKeyFromU64(-1n, 0n), isCode(CryptoErrorCode.INVALID_INPUT));
  assert.throws(() => sipHashKeyFromU64(1n << 64n, 0n), isCode(CryptoErrorCode.INVALID_INPUT));
  assert.throws(
    () => sipHashUint256(1n, 2n, new Uint8Array(31)),
    isCode(CryptoErrorCode.INVALID_LENGTH),
  );
  assert.throws(
    () => sipHashUint256(1n, undefined, new Uint8Array(32)),
    isCode(CryptoErrorCode.INVALID_INPUT),
  );
  for (const bad of [-1, 2 ** 32, 1.5]) {
    assert.throws(
      () => sipHashUint256Extra(1n, 2n, new Uint8Array(32), bad),
      isCode(CryptoErrorCode.INVALID_INPUT),
    );
  }
});

test('the extra word and the keys all change the result', () => {
  const h = new Uint8Array(32).fill(0xab);
  const base = sipHashUint256Extra(1n, 2n, h, 0);
  assert.notEqual(sipHashUint256Extra(1n, 2n, h, 1), base);
  assert.notEqual(sipHashUint256Extra(1n, 3n, h, 0), base);
  assert.notEqual(sipHashUint256Extra(0x100000000n, 2n, h, 0), sipHashUint256Extra(0n, 2n, h, 0));
  assert.notEqual(sipHashUint256(1n, 2n, h), base);
});
