import { testSuite } from '@keel/test-utils';
import { bip341WalletSuite } from '../../src/suites/bip341Wallet.ts';

testSuite(bip341WalletSuite);
