import { testSuite } from '@keel/test-utils';
import { sighashSuite } from '../../src/suites/sighash.ts';

testSuite(sighashSuite);
