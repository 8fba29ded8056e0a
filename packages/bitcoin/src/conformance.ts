import type { ConformanceSuite } from '@keel/conformance';
import { bip341WalletSuite } from './suites/bip341Wallet.ts';
import { blocksSuite } from './suites/blocks.ts';
import { scriptSuite } from './suites/script.ts';
import { sighashSuite } from './suites/sighash.ts';
import { taprootSuite } from './suites/taproot.ts';
import { txSuite } from './suites/tx.ts';
// one import per suite

/** Every conformance suite @keel/bitcoin ships. */
export const bitcoinSuites: readonly ConformanceSuite[] = [
  scriptSuite,
  txSuite,
  sighashSuite,
  taprootSuite,
  bip341WalletSuite,
  blocksSuite,
  // one entry per suite
];
