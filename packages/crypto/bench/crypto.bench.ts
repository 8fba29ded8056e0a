import type { BenchMain } from '@keel/util';
import { sha256 } from '../src/hashes/index.ts';

export const main: BenchMain = (h) => {
  const data = new Uint8Array(64);
  h.report({
    bench: 'crypto',
    metric: 'sha256-64B',
    value: h.opsPerSecond(() => sha256(data), { batch: 100 }),
    unit: 'ops/s',
  });
};
