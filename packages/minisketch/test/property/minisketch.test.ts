import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createMinisketch, createMinisketchFromBytes, MinisketchError } from '../../src/index.ts';

const BITS = [8, 12, 16, 32, 33, 48, 64] as const;
const sortBig = (xs: bigint[]): bigint[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const setsArb = fc
  .record({
    bits: fc.constantFrom(...BITS),
    capacity: fc.integer({ min: 0, max: 24 }),
    a: fc.array(fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), { maxLength: 30 }),
    b: fc.array(fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), { maxLength: 30 }),
    seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  })
  .map((r) => {
    const mask = (1n << BigInt(r.bits)) - 1n;
    const toField = (xs: bigint[]) => [...new Set(xs.map((x) => x & mask).filter((x) => x !== 0n))];
    return { ...r, a: toField(r.a), b: toField(r.b) };
  });

test('decode(merge(a, b)) is the symmetric difference whenever it fits the capacity', () => {
  fc.assert(
    fc.property(setsArb, ({ bits, capacity, a, b, seed }) => {
      const sa = createMinisketch(bits, capacity, { seed });
      const sb = createMinisketch(bits, capacity);
      for (const e of a) sa.add(e);
      for (const e of b) sb.add(e);
      sa.merge(createMinisketchFromBytes(bits, capacity, sb.serialize()));
      const inB = new Set(b);
      const inA = new Set(a);
      const diff = sortBig([...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))]);
      const got = sa.decode();
      if (diff.length <= capacity) assert.deepEqual(got, diff);
      else if (got !== undefined) assert.ok(got.length <= capacity, 'bounded by capacity');
    }),
    { numRuns: 150 },
  );
});

test('random bytes deserialize and decode without throwing anything but MinisketchError', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...BITS),
      fc.integer({ min: 0, max: 20 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.integer({ min: 0, max: 25 }),
      (bits, capacity, bytes, max) => {
        try {
          const s = createMinisketchFromBytes(bits, capacity, bytes);
          const d = s.decode(max);
          if (d !== undefined) {
            assert.ok(d.length <= Math.min(max, capacity));
            assert.equal(new Set(d).size, d.length, 'distinct');
            for (const e of d) assert.ok(e > 0n && e < 1n << BigInt(bits));
          }
        } catch (e) {
          if (!(e instanceof MinisketchError)) throw e;
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a decoded over-capacity answer re-encodes to the same sketch (decode never invents)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(12, 16, 32),
      fc.integer({ min: 1, max: 6 }),
      fc.uint8Array({ minLength: 24, maxLength: 24 }),
      (bits, capacity, raw) => {
        const bytes = raw.slice(0, Math.ceil((bits * capacity) / 8));
        const last = (bits * capacity) % 8;
        if (last !== 0) bytes[bytes.length - 1] = bytes[bytes.length - 1]! & ((1 << last) - 1);
        const s = createMinisketchFromBytes(bits, capacity, bytes);
        const d = s.decode();
        if (d === undefined) return;
        const again = createMinisketch(bits, capacity);
        for (const e of d) again.add(e);
        assert.deepEqual(again.serialize(), bytes);
      },
    ),
    { numRuns: 300 },
  );
});
