import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBlock } from '@keel/bitcoin';
import { networks } from '@keel/bitcoin/consensus';
import { concatBytes, isKeelError } from '@keel/util';
import fc from 'fast-check';
import { scanRecords, xorInPlace } from '../../src/blockRecords.ts';
import { BlockFileError } from '../../src/errors.ts';

const magic = networks.main.magic;
const raw = encodeBlock(networks.main.genesis);
const rec = concatBytes(magic, Uint8Array.of(raw.length, raw.length >> 8, 0, 0), raw);
const file = concatBytes(rec, rec, rec);

test('random bytes: the scanner returns or throws a BlockFileError, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, withMagic) => {
      const b = withMagic ? concatBytes(magic, bytes) : bytes;
      try {
        scanRecords(b, 'r', magic, () => {});
      } catch (e) {
        assert.ok(e instanceof BlockFileError && isKeelError(e), String(e));
        assert.ok(e.offset >= 0 && e.offset < b.length);
      }
    }),
    { numRuns: 2000 },
  );
});

test('a valid file cut anywhere: whole records before the cut, then an error at the cut record', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: file.length - 1 }), (cut) => {
      const seen: number[] = [];
      const whole = Math.floor(cut / rec.length);
      try {
        scanRecords(file.subarray(0, cut), 'r', magic, (r) => seen.push(r.offset));
        assert.equal(cut % rec.length, 0);
      } catch (e) {
        assert.ok(e instanceof BlockFileError);
        assert.equal(e.offset, whole * rec.length);
      }
      assert.equal(seen.length, whole);
    }),
  );
});

test('one flipped byte: every record before it is still found; any failure is a BlockFileError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: file.length - 1 }),
      fc.integer({ min: 1, max: 255 }),
      (i, x) => {
        const b = file.slice();
        b[i] = b[i]! ^ x;
        const seen: number[] = [];
        try {
          scanRecords(b, 'r', magic, (r) => seen.push(r.offset));
        } catch (e) {
          assert.ok(e instanceof BlockFileError);
        }
        const before = Math.floor(i / rec.length);
        assert.ok(seen.length >= before);
        for (let k = 0; k < before; k++) assert.equal(seen[k], k * rec.length + 8);
      },
    ),
  );
});

test('xor obfuscation is an involution at any file position', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 100 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.nat(1000),
      (b, key, pos) => {
        const c = b.slice();
        xorInPlace(c, key, pos);
        xorInPlace(c, key, pos);
        assert.deepEqual(c, b);
      },
    ),
  );
});
