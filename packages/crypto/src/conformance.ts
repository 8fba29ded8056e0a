import type { ConformanceSuite } from '@keel/conformance';
import { bip324Suite } from './suites/bip324.ts';
import { bip340Suite } from './suites/bip340.ts';
import { bip341WalletSuite } from './suites/bip341Wallet.ts';
import { blsSuite } from './suites/bls.ts';
import { chacha20poly1305Suite } from './suites/chacha20poly1305.ts';
import { ecvrfSuite } from './suites/ecvrf.ts';
import { hkdfSuite } from './suites/hkdf.ts';
import { kzgSuite } from './suites/kzg.ts';
import { noiseSuite } from './suites/noise.ts';
import { siphashSuite } from './suites/siphash.ts';
// one import per suite

/** Every conformance suite @keel/crypto ships, in `keel conformance --list` order. */
export const cryptoSuites: readonly ConformanceSuite[] = [
  siphashSuite,
  chacha20poly1305Suite,
  hkdfSuite,
  noiseSuite,
  blsSuite,
  bip340Suite,
  bip341WalletSuite,
  bip324Suite,
  ecvrfSuite,
  kzgSuite,
  // one entry per suite
];
