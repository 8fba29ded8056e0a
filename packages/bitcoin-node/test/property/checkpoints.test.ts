import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import { formatCheckpoint, parseCheckpoints } from '../../src/checkpoints.ts';

const hex64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));
const checkpoint = fc
  .record({
    height: fc.integer({ min: 0, max: 0x7fffffff }),
    hash: hex64,
    muhash: hex64,
    txouts: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    amount: fc.bigInt({ min: 0n, max: 2n ** 63n }),
  })
  .map((c) => ({ ...c }));

test('checkpoint files round-trip', () => {
  fc.assert(
    fc.property(fc.uniqueArray(checkpoint, { selector: (c) => c.height, maxLength: 20 }), (cps) => {
      const sorted = cps.sort((a, b) => a.height - b.height);
      const text = `# network main\n${sorted.map(formatCheckpoint).join('\n')}\n`;
      assert.deepEqual(parseCheckpoints(text), { network: 'main', checkpoints: sorted });
    }),
  );
});

test('random text only ever gives checkpoints or a KeelError', () => {
  const line = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .array(
        fc.oneof(fc.constantFrom('0', '17', '-1', '1e3', '#'), hex64, fc.string({ maxLength: 70 })),
        { maxLength: 7 },
      )
      .map((f) => f.join(' ')),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 10 }), (lines) => {
      try {
        parseCheckpoints(lines.join('\n'));
      } catch (e) {
        assert.ok(isKeelError(e), String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
