import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../../src/errors.ts';
import { decodeRLP } from '../../src/rlp/decode.ts';
import { encodeRLP } from '../../src/rlp/encode.ts';
import { bigintToRLPBytes, rlpBytes, rlpBytesToBigint, rlpList } from '../../src/rlp/fields.ts';

const isRLPError = (e: unknown) => e instanceof EvmError && e.code === EvmErrorCode.RLP;

test('a 2^40-byte length header is rejected before allocating', () => {
  // 0xbd = string with a 6-byte length: 0x010000000000 bytes announced, 1 present.
  assert.throws(() => decodeRLP(hexToBytes('bd01000000000000')), isRLPError);
  // 0xbf: an 8-byte length (more than any input can hold).
  assert.throws(() => decodeRLP(hexToBytes('bf0100000000000000')), isRLPError);
});

test('the depth limit is enforced', () => {
  const deep = new Uint8Array(100).fill(0xc0);
  // 100 nested lists each announcing 0 bytes: a truncated nest, rejected either way.
  assert.throws(() => decodeRLP(deep), isRLPError);
  let x: unknown = [];
  for (let i = 0; i < 10; i++) x = [x];
  const enc = encodeRLP(x as never);
  assert.doesNotThrow(() => decodeRLP(enc, { maxDepth: 11 }));
  assert.throws(() => decodeRLP(enc, { maxDepth: 10 }), /nest deeper than 10/);
});

test('the item limit is enforced', () => {
  const enc = encodeRLP([new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)]);
  assert.doesNotThrow(() => decodeRLP(enc, { maxItems: 4 }));
  assert.throws(() => decodeRLP(enc, { maxItems: 3 }), isRLPError);
});

test('decoded byte strings do not alias the input', () => {
  const input = hexToBytes('c483646f67');
  const out = decodeRLP(input) as Uint8Array[];
  input[2] = 0;
  assert.deepEqual(out[0], hexToBytes('646f67'));
});

test('long lengths: 56 bytes uses the long form, 55 the short form', () => {
  assert.equal(encodeRLP(new Uint8Array(55))[0], 0xb7);
  assert.deepEqual(encodeRLP(new Uint8Array(56)).subarray(0, 2), hexToBytes('b838'));
  const list = encodeRLP([new Uint8Array(1024)]);
  assert.deepEqual(list.subarray(0, 6), hexToBytes('f90403b90400'));
  assert.deepEqual(decodeRLP(list), [new Uint8Array(1024)]);
});

test('scalar helpers', () => {
  assert.deepEqual(bigintToRLPBytes(0n), new Uint8Array(0));
  assert.deepEqual(bigintToRLPBytes(0x1234n), hexToBytes('1234'));
  assert.deepEqual(bigintToRLPBytes(0x123n), hexToBytes('0123'));
  assert.throws(() => bigintToRLPBytes(-1n), EvmError);
  assert.equal(rlpBytesToBigint(hexToBytes('0100'), 'x'), 256n);
  assert.throws(() => rlpBytesToBigint(hexToBytes('0001'), 'nonce'), /nonce: .*leading zero/);
  assert.throws(() => rlpBytesToBigint(new Uint8Array(33).fill(1), 'value'), /exceeds 32/);
  assert.equal(rlpBytesToBigint(hexToBytes('ffffffffffffffff'), 'nonce', 8), 2n ** 64n - 1n);
  assert.throws(() => rlpList(new Uint8Array(0), 'tx'), /tx: expected a list/);
  assert.throws(() => rlpBytes([], 'to'), /to: expected a byte string/);
});
