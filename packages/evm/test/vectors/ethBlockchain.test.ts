import { testSuite } from '@keel/test-utils';
import { ethBlockchainSuite } from '../../src/suites/ethBlockchain.ts';

testSuite(ethBlockchainSuite);
