import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  createMinisketch,
  createMinisketchFromBytes,
  MinisketchError,
  MinisketchErrorCode,
  serializedSize,
} from '../../src/index.ts';
import { refSketchBytes, rng } from './reference.ts';

const sortBig = (xs: bigint[]): bigint[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MinisketchError, `not a MinisketchError: ${String(e)}`);
    return e.code;
  }
  return 'no error';
}

test('serialization equals the power sums packed as pyminisketch does, every field size', () => {
  for (let bits = 2; bits <= 64; bits++) {
    const next = rng(bits * 31);
    const capacity = 1 + (bits % 7);
    const elements = new Set<bigint>();
    const limit = Math.min(capacity + 2, 2 ** bits - 1);
    while (elements.size < limit) elements.add(next(bits));
    const s = createMinisketch(bits, capacity);
    for (const e of elements) s.add(e);
    assert.equal(
      bytesToHex(s.serialize()),
      refSketchBytes(bits, capacity, [...elements]),
      `${bits}`,
    );
    assert.equal(s.serialize().length, serializedSize(bits, capacity));
  }
});

test('decode recovers the symmetric difference of two sets within capacity, every field size', () => {
  for (let bits = 2; bits <= 64; bits++) {
    const next = rng(bits);
    const capacity = Math.min(bits <= 8 ? 2 ** (bits - 1) - 1 : 12, 12) || 1;
    const shared = new Set<bigint>();
    const onlyA = new Set<bigint>();
    const onlyB = new Set<bigint>();
    const used = new Set<bigint>();
    const pick = (): bigint => {
      for (;;) {
        const v = next(bits);
        if (!used.has(v)) {
          used.add(v);
          return v;
        }
      }
    };
    const diff = Math.min(capacity, 2 ** bits - 1);
    for (let i = 0; i < diff; i++) (i % 2 === 0 ? onlyA : onlyB).add(pick());
    for (let i = 0; i < Math.min(5, 2 ** bits - 1 - diff); i++) shared.add(pick());
    const a = createMinisketch(bits, capacity, { seed: bits });
    const b = createMinisketch(bits, capacity);
    for (const e of [...shared, ...onlyA]) a.add(e);
    for (const e of [...onlyB, ...shared]) b.add(e);
    const wire = createMinisketchFromBytes(bits, capacity, b.serialize());
    a.merge(wire);
    assert.deepEqual(a.decode(), sortBig([...onlyA, ...onlyB]), `${bits} bits`);
  }
});

test('decode of a 32-bit sketch with 128 elements at capacity 128, under several seeds', () => {
  const next = rng(5);
  const set = new Set<bigint>();
  while (set.size < 128) set.add(next(32));
  const want = sortBig([...set]);
  for (const seed of [0n, 1n, 2n ** 64n - 1n, 123456789n]) {
    const s = createMinisketch(32, 128, { seed });
    for (const e of set) s.add(e);
    assert.deepEqual(s.decode(), want);
    assert.deepEqual(s.decodeNumbers(), want.map(Number));
  }
});

test('over capacity: decode fails or returns at most max elements, never more', () => {
  const next = rng(9);
  let failures = 0;
  for (let round = 0; round < 30; round++) {
    const s = createMinisketch(16, 8);
    const set = new Set<bigint>();
    while (set.size < 12) set.add(next(16));
    for (const e of set) s.add(e);
    const d = s.decode();
    if (d === undefined) failures++;
    else assert.ok(d.length <= 8);
    const d4 = s.decode(4);
    if (d4 !== undefined) assert.ok(d4.length <= 4);
  }
  assert.ok(failures >= 25, `only ${failures} of 30 over-capacity sketches failed to decode`);
});

test('adding twice cancels; 0 is ignored; empty and capacity-0 sketches decode to []', () => {
  const s = createMinisketch(32, 4);
  s.add(5).add(7).add(5).add(0);
  assert.deepEqual(s.decode(), [7n]);
  assert.deepEqual(createMinisketch(12, 0).decode(), []);
  assert.equal(createMinisketch(12, 0).serialize().length, 0);
  assert.deepEqual(createMinisketch(64, 3).decode(), []);
});

test('merge keeps the smaller capacity, as minisketch_merge', () => {
  const a = createMinisketch(32, 6).add(1).add(2);
  const b = createMinisketch(32, 3).add(2).add(3);
  assert.equal(a.merge(b), 3);
  assert.equal(a.capacity, 3);
  assert.deepEqual(a.decode(), [1n, 3n]);
  const c = a.clone().add(1);
  assert.deepEqual(c.decode(), [3n]);
  assert.deepEqual(a.decode(), [1n, 3n]);
});

test('deserialize ignores unused high bits of the last byte, like libminisketch', () => {
  const s = createMinisketch(12, 1).add(0xabc);
  const bytes = s.serialize();
  assert.equal(bytes.length, 2);
  bytes[1] = bytes[1]! | 0xf0;
  assert.deepEqual(createMinisketchFromBytes(12, 1, bytes).decode(), [0xabcn]);
});

test('bad input is refused with typed errors', () => {
  assert.equal(
    code(() => createMinisketch(1, 4)),
    MinisketchErrorCode.INVALID_BITS,
  );
  assert.equal(
    code(() => createMinisketch(65, 4)),
    MinisketchErrorCode.INVALID_BITS,
  );
  assert.equal(
    code(() => createMinisketch(32, -1)),
    MinisketchErrorCode.INVALID_CAPACITY,
  );
  assert.equal(
    code(() => createMinisketch(32, 1e9)),
    MinisketchErrorCode.INVALID_CAPACITY,
  );
  assert.equal(
    code(() => createMinisketch(32, 9000, { maxCapacity: 10000 })),
    'no error',
    'limit can be raised',
  );
  assert.equal(
    code(() => createMinisketch(12, 2).add(4096)),
    MinisketchErrorCode.INVALID_ELEMENT,
  );
  assert.equal(
    code(() => createMinisketch(12, 2).add(-1n)),
    MinisketchErrorCode.INVALID_ELEMENT,
  );
  assert.equal(
    code(() => createMinisketch(12, 2).add(1.5)),
    MinisketchErrorCode.INVALID_ELEMENT,
  );
  assert.equal(
    code(() => createMinisketchFromBytes(32, 2, hexToBytes('00'))),
    MinisketchErrorCode.INVALID_LENGTH,
  );
  assert.equal(
    code(() => createMinisketch(32, 2).merge(createMinisketch(16, 2))),
    MinisketchErrorCode.FIELD_MISMATCH,
  );
  assert.equal(
    code(() => createMinisketch(32, 2).decode(-1)),
    MinisketchErrorCode.INVALID_ARGUMENT,
  );
  assert.equal(
    code(() => createMinisketch(48, 2).decodeNumbers()),
    MinisketchErrorCode.INVALID_ARGUMENT,
  );
});
