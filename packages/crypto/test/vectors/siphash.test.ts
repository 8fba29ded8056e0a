import { testSuite } from '@keel/test-utils';
import { siphashSuite } from '../../src/suites/siphash.ts';

testSuite(siphashSuite);
