import { testSuite } from '@keel/test-utils';
import { txSuite } from '../../src/suites/tx.ts';

testSuite(txSuite);
