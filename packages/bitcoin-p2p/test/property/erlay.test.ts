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
