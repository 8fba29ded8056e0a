import { testSuite } from '@keel/test-utils';
import { ethTxSuite } from '../../src/suites/ethTx.ts';

testSuite(ethTxSuite);
