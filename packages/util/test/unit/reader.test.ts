import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  DecodeError,
  DecodeErrorCode,
  hexToBytes,
  InvalidArgumentError,
} from '../../src/index.ts';

const code = (c: string) => (e: unknown) => e instanceof DecodeError && e.code === c;

test('reads past the end throw OUT_OF_BOUNDS with the offset', () => {
  const r = new BufferReader(hexToBytes('0102'));
  assert.equal(r.u8(), 1);
  assert.throws(() => r.u32le(), code(DecodeErrorCode.OUT_OF_BOUNDS));
  assert.equal(r.offset, 1, 'a failed read does not move the cursor');
});

test('CompactSize: canonical forms round trip, non-canonical and oversized are rejected', () => {
  for (const n of [0, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0x02000000]) {
    const enc = new BufferWriter().compactSize(n).finish();
    assert.equal(new BufferReader(enc).compactSize(), n);
  }
  assert.throws(
    () => new BufferReader(hexToBytes('fdfc00')).compactSize(),
    code(DecodeErrorCode.NON_CANONICAL),
  );
  assert.throws(
    () => new BufferReader(hexToBytes('feffff0000')).compactSize(),
    code(DecodeErrorCode.NON_CANONICAL),
  );
  assert.throws(
    () => new BufferReader(hexToBytes('ffffffffff00000000')).compactSize(),
    code(DecodeErrorCode.NON_CANONICAL),
  );
  assert.throws(
    () => new BufferReader(hexToBytes('fe01000002')).compactSize(),
    code(DecodeErrorCode.LIMIT_EXCEEDED),
  );
  assert.throws(
    () => new BufferReader(hexToBytes('0a')).compactSize(9),
    code(DecodeErrorCode.LIMIT_EXCEEDED),
  );
});

test('varBytes checks the declared length against the maximum before reading', () => {
  const r = new BufferReader(hexToBytes('fe00000001'));
  assert.throws(() => r.varBytes(1000), code(DecodeErrorCode.LIMIT_EXCEEDED));
  const ok = new BufferReader(hexToBytes('03aabbcc'));
  assert.equal(bytesToHex(ok.varBytes(3)), 'aabbcc');
  ok.assertEnd();
  assert.throws(
    () => new BufferReader(hexToBytes('00ff')).assertEnd(),
    code(DecodeErrorCode.TRAILING_DATA),
  );
});

test('writer rejects out-of-range integers instead of truncating', () => {
  const w = new BufferWriter();
  assert.throws(() => w.u8(256), InvalidArgumentError);
  assert.throws(() => w.u32le(-1), InvalidArgumentError);
  assert.throws(() => w.u64le(1n << 64n), InvalidArgumentError);
  assert.throws(() => w.i32le(2 ** 31), InvalidArgumentError);
  assert.throws(() => w.u16le(1.5), InvalidArgumentError);
});

test('hex: odd length and bad digits are typed errors', () => {
  assert.throws(() => hexToBytes('abc'), code(DecodeErrorCode.INVALID_HEX));
  assert.throws(() => hexToBytes('zz'), code(DecodeErrorCode.INVALID_HEX));
  assert.equal(bytesToHex(hexToBytes('0xABcd')), 'abcd');
});

test('copyBytes gives a plain Uint8Array that does not share memory, even over a Buffer', () => {
  const buf = Buffer.from([1, 2, 3, 4, 5]);
  const r = new BufferReader(buf);
  r.skip(1);
  const c = r.copyBytes(3);
  buf[2] = 99;
  assert.deepEqual([...c], [2, 3, 4]);
  assert.equal(Object.getPrototypeOf(c), Uint8Array.prototype);
});
