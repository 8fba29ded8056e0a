import type { BenchMain } from '@keel/util';

/** Benchmarks by name; each package exposes its bench module as a `./bench` subpath. */
export const benches: Readonly<
  Record<string, { description: string; load: () => Promise<BenchMain> }>
> = {
  crypto: {
    description: 'secp256k1 / BLS / ed25519 / ECVRF / SipHash per backend, with backend ratios',
    load: () => import('@keel/crypto/bench').then((m) => m.main),
  },
};
