import type { BenchMain } from '@keel/util';
import { KeelError } from '@keel/util';

/** `keel bench mempool` — being built; replace this module with the real benchmark. */
export const main: BenchMain = () => {
  throw new KeelError('BENCH_NOT_BUILT', 'the mempool benchmark is not built yet');
};
