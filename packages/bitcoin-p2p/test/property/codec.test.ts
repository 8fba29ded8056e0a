import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  encodeV1Frame,
  encodeV1Message,
  P2P_COMMANDS,
  P2PError,
  V1Decoder,
} from '../../src/index.ts';
import { arbMessage } from '../support/arbitraries.ts';

const MAGIC = networks.regtest.magic;

test('every codec round-trips: decode(encode(m)) = m and re-encodes to the same bytes', () => {
  fc.assert(
    fc.property(arbMessage, (m) => {
      const bytes = encodeMessage(m);
      const back = decodeMessage(m.command, bytes);
      assert.deepEqual(back, m);
      assert.deepEqual(encodeMessage(back!), bytes);
    }),
    { numRuns: 1500 },
  );
});

test('v1 frames round-trip through V1Decoder in random chunkings', () => {
  fc.assert(
    fc.property(
      fc.array(arbMessage, { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 300 }),
      (msgs, chunk) => {
        const stream = Buffer.concat(msgs.map((m) => encodeV1Message(MAGIC, m)));
        const d = new V1Decoder({ magic: MAGIC });
        const got = [];
        for (let i = 0; i < stream.length; i += chunk)
          got.push(...d.push(stream.subarray(i, i + chunk)));
        assert.deepEqual(
          got.map((e) => (e.kind === 'message' ? e.message : e)),
          msgs,
        );
      },
    ),
    { numRuns: 300 },
  );
});

function onlyP2PErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof P2PError)) throw e;
  }
}

test('random bytes into every decoder: a message, null or a P2PError, nothing else', () => {
  fc.assert(
    fc.property(fc.constantFrom(...P2P_COMMANDS), fc.uint8Array({ maxLength: 400 }), (c, b) => {
      onlyP2PErrors(() => decodeMessage(c, b));
    }),
    { numRuns: 5000 },
  );
});

test('mutated valid payloads into their decoders: only messages or P2PErrors', () => {
  fc.assert(
    fc.property(
      arbMessage,
      fc.integer({ min: 0 }),
      fc.integer({ min: 0, max: 255 }),
      fc.nat(20),
      (m, at, v, cut) => {
        const b = encodeMessage(m).slice();
        if (b.length > 0) b[at % b.length] = v;
        onlyP2PErrors(() => decodeMessage(m.command, b.subarray(0, Math.max(0, b.length - cut))));
      },
    ),
    { numRuns: 2000 },
  );
});

test('random streams into V1Decoder only yield events (never throw), frames with valid headers too', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc
            .tuple(fc.constantFrom(...P2P_COMMANDS), fc.uint8Array({ maxLength: 200 }))
            .map(([c, p]) => encodeV1Frame(MAGIC, c, p)),
        ),
        { maxLength: 6 },
      ),
      (chunks) => {
        const d = new V1Decoder({ magic: MAGIC });
        for (const c of chunks) {
          for (const e of d.push(c)) {
            if (e.kind === 'error') assert.ok(e.error instanceof P2PError);
          }
        }
      },
    ),
    { numRuns: 2000 },
  );
});
