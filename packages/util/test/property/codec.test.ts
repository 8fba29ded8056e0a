import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  hexToBytes,
  isKeelError,
} from '../../src/index.ts';

test('integers and bytes round trip through writer and reader', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      fc.integer({ min: 0, max: 0x02000000 }),
      fc.uint8Array({ maxLength: 300 }),
      (a, b, c, d, e, f, g, n, bytes) => {
        const w = new BufferWriter(1);
        w.u8(a)
          .u16le(b)
          .u24le(c)
          .u32le(d)
          .i32le(e)
          .u64le(f)
          .i64le(g)
          .compactSize(n)
          .varBytes(bytes);
        const r = new BufferReader(w.finish());
        assert.equal(r.u8(), a);
        assert.equal(r.u16le(), b);
        assert.equal(r.u24le(), c);
        assert.equal(r.u32le(), d);
        assert.equal(r.i32le(), e);
        assert.equal(r.u64le(), f);
        assert.equal(r.i64le(), g);
        assert.equal(r.compactSize(), n);
        assert.deepEqual(r.varBytes(1000), bytes);
        r.assertEnd();
      },
    ),
    { numRuns: 500 },
  );
});

test('hex round trips', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) =>
      assert.deepEqual(hexToBytes(bytesToHex(b)), b),
    ),
  );
});

test('fuzz: random bytes never make the reader throw anything but a KeelError', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 20 }),
      (bytes, ops) => {
        const r = new BufferReader(bytes);
        try {
          for (const op of ops) {
            if (op === 0) r.u8();
            else if (op === 1) r.u16le();
            else if (op === 2) r.u32le();
            else if (op === 3) r.u64le();
            else if (op === 4) r.compactSize();
            else if (op === 5) r.varBytes(32);
            else if (op === 6) r.bytes(5);
            else r.assertEnd();
          }
        } catch (e) {
          assert.ok(isKeelError(e), `unexpected ${String(e)}`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});
