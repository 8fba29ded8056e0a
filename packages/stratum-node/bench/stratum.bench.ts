import type { BenchMain } from '@keel/util';
import { KeelError } from '@keel/util';

/** `keel bench stratum` — being built; replace this module with the real benchmark. */
export const main: BenchMain = () => {
  throw new KeelError('BENCH_NOT_BUILT', 'the stratum benchmark is not built yet');
};
