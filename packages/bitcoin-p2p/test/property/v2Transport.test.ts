import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import { SeededRng } from '@keel/util';
import fc from 'fast-check';
import { encodeMessage, P2PError, V2Transport } from '../../src/index.ts';
import { arbMessage } from '../support/arbitraries.ts';

const MAGIC = networks.regtest.magic;
const rng = new SeededRng('v2-property');
const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => 64 - i);

function established() {
  const a = new V2Transport({
    initiating: true,
    magic: MAGIC,
    privateKey: KEY_A,
    garbage: rng.bytes(10),
  });
  const b = new V2Transport({
    initiating: false,
    magic: MAGIC,
    privateKey: KEY_B,
    garbage: rng.bytes(10),
  });
  const r1 = b.receive(a.start());
  const r2 = a.receive(r1.send);
  b.receive(r2.send);
  assert.ok(a.established && b.established);
  return { a, b };
}

function onlyEvents(t: V2Transport, chunks: Uint8Array[]): void {
  for (const c of chunks) {
    for (const e of t.receive(c).events) {
      if (e.kind === 'error') assert.ok(e.error instanceof P2PError);
    }
  }
}

test('random bytes into a fresh responder or initiator: only events, never a throw', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      (init, chunks) => {
        const t = new V2Transport({ initiating: init, magic: MAGIC, privateKey: KEY_A });
        t.start();
        onlyEvents(t, chunks);
      },
    ),
    { numRuns: 300 },
  );
});

test('after a real handshake: random and bit-flipped packets only yield events or a fatal P2PError', () => {
  fc.assert(
    fc.property(
      fc.array(arbMessage, { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.uint8Array({ maxLength: 100 }),
      (msgs, at, flip, noise) => {
        const { a, b } = established();
        const bytes = Buffer.concat(msgs.map((m) => a.send(m)));
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ flip;
        onlyEvents(b, [bytes, noise]);
        // Untouched traffic decodes to exactly what was sent.
        const { a: a2, b: b2 } = established();
        const evs = b2.receive(Buffer.concat(msgs.map((m) => a2.send(m)))).events;
        assert.deepEqual(
          evs.map((e) => (e.kind === 'message' ? encodeMessage(e.message) : e.kind)),
          msgs.map((m) => encodeMessage(m)),
        );
      },
    ),
    { numRuns: 60 },
  );
});
