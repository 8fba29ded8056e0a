import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  computeReconSalt,
  decodeReconcilDiff,
  decodeReqRecon,
  decodeSketch,
  ReconciliationState,
} from '../../src/erlay/index.ts';
import { P2PError } from '../../src/errors.ts';

const onlyP2P = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof P2PError)) throw e;
  }
};

test('Erlay decoders: random bytes give a value or a P2PError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      onlyP2P(() => decodeReqRecon(b));
      onlyP2P(() => decodeSketch(b));
      onlyP2P(() => decodeReconcilDiff(b));
    }),
    { numRuns: 500 },
  );
});

test('an initiator fed random sketches never throws anything but P2PError, and asks at most max', () => {
  const key = computeReconSalt(5n, 6n);
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 40 }),
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }),
      (txs, sk1, sk2) => {
        const s = new ReconciliationState({ role: 'initiator', key });
        for (const t of txs) s.add(t);
        s.requestReconciliation();
        onlyP2P(() => {
          const step = s.onSketch(sk1);
          if (step.kind === 'extend') {
            const again = s.onSketch(sk2);
            if (again.kind === 'done') assert.ok(again.diff.askShortIds.length <= sk1.length / 2);
          } else {
            assert.ok(step.diff.askShortIds.length <= sk1.length / 4);
          }
        });
      },
    ),
    { numRuns: 200 },
  );
});

test('Erlay messages in the registry: round trips, and BIP330 limits refused from the count alone', async () => {
  const { decodeMessage, encodeMessage } = await import('../../src/messages/registry.ts');
  const { arbPayloadOf } = await import('../support/arbitraries.ts');
  for (const command of ['reqrecon', 'sketch', 'reqsketchext', 'reconcildiff'] as const) {
    fc.assert(
      fc.property(arbPayloadOf(command) as fc.Arbitrary<unknown>, (payload) => {
        const m = { command, payload } as Parameters<typeof encodeMessage>[0];
        const bytes = encodeMessage(m);
        assert.deepEqual(decodeMessage(command, bytes), m);
        assert.deepEqual(encodeMessage(decodeMessage(command, bytes)!), bytes);
      }),
      { numRuns: 200 },
    );
  }
  // A sketch length prefix of 8193 syndromes (32,772 bytes) with no data behind it: refused as
  // over MAX_SKETCH_CAPACITY, not as truncated, so nothing was allocated for it.
  const bigSketch = Uint8Array.of(0xfd, 0x04, 0x80);
  assert.throws(
    () => decodeMessage('sketch', bigSketch),
    (e: unknown) =>
      e instanceof P2PError && e.verdict === 'disconnect' && /8192|32768/.test(e.message),
  );
  // reconcildiff claiming 3001 short ids.
  assert.throws(
    () => decodeMessage('reconcildiff', Uint8Array.of(1, 0xfd, 0xb9, 0x0b)),
    (e: unknown) => e instanceof P2PError && e.verdict === 'disconnect' && /3000/.test(e.message),
  );
  // Whole syndromes only.
  assert.throws(
    () => decodeMessage('sketch', Uint8Array.of(3, 1, 2, 3)),
    (e: unknown) => e instanceof P2PError && /whole number/.test(e.message),
  );
  // reconcildiff success must be 0 or 1.
  assert.throws(() => decodeMessage('reconcildiff', Uint8Array.of(2, 0)), P2PError);
});
