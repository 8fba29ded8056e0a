import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import {
  decodeFrame,
  decodeMessage,
  decodeMessageFrame,
  decodePayload,
  encodeMessage,
  encodePayload,
  FrameReader,
  MESSAGES,
  type MessageName,
  maxPayloadSize,
  type Sv2Payload,
} from '../../src/index.ts';
import { arbMessage, arbPayload, MESSAGE_NAMES } from './arbitraries.ts';

const onlyKeelErrors = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!isKeelError(e)) throw e;
  }
};

for (const name of MESSAGE_NAMES) {
  test(`${name}: encode → decode round trip, re-encode is byte-identical`, () => {
    fc.assert(
      fc.property(arbPayload(name), (p) => {
        const bytes = encodePayload(name, p as Sv2Payload<MessageName>);
        assert.ok(bytes.length <= maxPayloadSize(name));
        const back = decodePayload(name, bytes);
        assert.deepEqual(back, p);
        assert.deepEqual(encodePayload(name, back as Sv2Payload<MessageName>), bytes);
      }),
      { numRuns: 60 },
    );
  });
}

test('whole frames round trip through encodeMessage/decodeMessage and a chunked FrameReader', () => {
  fc.assert(
    fc.property(
      fc.array(arbMessage, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 50 }),
      (msgs, step) => {
        const wire = msgs.map(encodeMessage);
        for (let i = 0; i < msgs.length; i++) assert.deepEqual(decodeMessage(wire[i]!), msgs[i]);
        const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
        let o = 0;
        for (const w of wire) {
          all.set(w, o);
          o += w.length;
        }
        const reader = new FrameReader();
        const got = [];
        for (let i = 0; i < all.length; i += step)
          got.push(...reader.push(all.subarray(i, i + step)));
        assert.equal(reader.bufferedBytes, 0);
        assert.deepEqual(got.map(decodeMessageFrame), msgs);
      },
    ),
    { numRuns: 80 },
  );
});

test('fuzz: random payloads for every message decode or throw a KeelError, never anything else', () => {
  fc.assert(
    fc.property(fc.constantFrom(...MESSAGE_NAMES), fc.uint8Array({ maxLength: 200 }), (name, b) => {
      onlyKeelErrors(() => decodePayload(name, b));
    }),
    { numRuns: 3000 },
  );
});

test('fuzz: random frames decode or throw a KeelError', () => {
  const typeBytes = Object.values(MESSAGES).map((m) => m.msgType);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.oneof(fc.constantFrom(...typeBytes), fc.integer({ min: 0, max: 255 })),
      fc.uint8Array({ maxLength: 120 }),
      fc.boolean(),
      (ext, type, body, honestLength) => {
        const len = honestLength ? body.length : (body[0] ?? 0) * 65536 + body.length;
        const f = new Uint8Array(6 + body.length);
        f.set([ext & 0xff, ext >> 8, type, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff]);
        f.set(body, 6);
        onlyKeelErrors(() => decodeMessage(f));
        onlyKeelErrors(() => new FrameReader().push(f).map(decodeMessageFrame));
      },
    ),
    { numRuns: 3000 },
  );
});

test('fuzz: mutated valid frames (bit flips, truncation, extension) only throw KeelErrors', () => {
  fc.assert(
    fc.property(
      arbMessage,
      fc.nat(),
      fc.nat(255),
      fc.integer({ min: -8, max: 8 }),
      (msg, pos, x, cut) => {
        const wire = encodeMessage(msg);
        const flipped = wire.slice();
        const at = pos % wire.length;
        flipped[at] = (flipped[at] ?? 0) ^ x;
        onlyKeelErrors(() => decodeMessage(flipped));
        const resized =
          cut < 0
            ? wire.slice(0, Math.max(0, wire.length + cut))
            : concat(wire, new Uint8Array(cut));
        if (cut !== 0)
          assert.throws(
            () => decodeMessage(resized),
            (e) => isKeelError(e),
          );
        // The payload alone with extra bytes is rejected as trailing data.
        const frame = decodeFrame(wire);
        assert.throws(
          () => decodePayload(msg.type, concat(frame.payload, new Uint8Array([0]))),
          (e: unknown) => isKeelError(e),
        );
      },
    ),
    { numRuns: 1500 },
  );
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}
