import type { ConformanceSuite } from '@keel/conformance';

/**
 * Every package that ships conformance suites, loaded lazily so `keel conformance bip340`
 * does not load the Bitcoin interpreter. Add one line per package.
 */
const loaders: ReadonlyArray<() => Promise<readonly ConformanceSuite[]>> = [
  () => import('@keel/crypto/conformance').then((m) => m.cryptoSuites),
  () => import('@keel/bitcoin/conformance').then((m) => m.bitcoinSuites),
  () => import('@keel/bitcoin-p2p/conformance').then((m) => m.p2pSuites),
  () => import('@keel/evm/conformance').then((m) => m.evmSuites),
  () => import('@keel/minisketch/conformance').then((m) => m.minisketchSuites),
  () => import('@keel/verkle/conformance').then((m) => m.verkleSuites),
];

export async function loadSuites(): Promise<Map<string, ConformanceSuite>> {
  const all = new Map<string, ConformanceSuite>();
  for (const load of loaders) {
    for (const s of await load()) all.set(s.name, s);
  }
  return all;
}
