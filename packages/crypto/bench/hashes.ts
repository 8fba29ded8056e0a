import type { BenchHarness } from '@keel/util';
import { sha256, sha256d } from '../src/hashes/index.ts';

export function benchHashes(h: BenchHarness): void {
  const data64 = new Uint8Array(64).fill(7);
  h.report({
    bench: 'crypto',
    metric: 'sha256 64B',
    value: h.opsPerSecond(() => sha256(data64), { batch: 100 }),
    unit: 'ops/s',
  });
  h.report({
    bench: 'crypto',
    metric: 'sha256d 64B',
    value: h.opsPerSecond(() => sha256d(data64), { batch: 100 }),
    unit: 'ops/s',
  });
}
